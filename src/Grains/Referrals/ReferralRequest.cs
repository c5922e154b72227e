namespace Telemed.Grains.Referrals;

[GenerateSerializer, Immutable]
public sealed record ReferralRequest(Guid CaseId, string FromInstitutionId, string ToInstitutionId, string Reason, string RequestedBy);
