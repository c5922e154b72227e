namespace Telemed.Grains.Consults;

/// <summary>How far a participant has received and read the session: every message up to the sequence number.</summary>
[GenerateSerializer, Immutable]
public sealed record ConsultReceipt(Guid CaseId, string UserId, long DeliveredThrough, long ReadThrough);
