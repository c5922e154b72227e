using Telemed.Grains.Cases;

namespace Telemed.Grains.Referrals;

/// <summary>What travels with a referral: the question, the studies and the latest signed report's impression.</summary>
[GenerateSerializer, Immutable]
public sealed record CaseSummary(
    Guid CaseId,
    CaseKind Kind,
    CasePriority Priority,
    CaseStatus Status,
    string ClinicalQuestion,
    string? PatientId,
    IReadOnlyList<string> Studies,
    string? Impression,
    string? SignedBy,
    DateTimeOffset? SignedAt);
