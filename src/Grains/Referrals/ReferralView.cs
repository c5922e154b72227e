namespace Telemed.Grains.Referrals;

[GenerateSerializer, Immutable]
public sealed record ReferralView(
    Guid ReferralId,
    ReferralDirection Direction,
    ReferralStatus Status,
    string FromInstitutionId,
    string ToInstitutionId,
    string Reason,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    CaseSummary Summary,
    string? HandledBy,
    DateTimeOffset? HandledAt,
    string? Outcome);
