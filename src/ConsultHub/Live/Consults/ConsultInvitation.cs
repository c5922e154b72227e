namespace Telemed.ConsultHub.Live.Consults;

public sealed record ConsultInvitation(Guid CaseId, string InvitedBy);
