using Telemed.Grains.Communities;

namespace Telemed.Grains.Cases;

/// <summary>A case as its grain holds it. <see cref="RoutedCommunityId"/> differs from <see cref="CommunityId"/> after overflow.</summary>
[GenerateSerializer, Immutable]
public sealed record CaseView(
    Guid CaseId,
    string CommunityId,
    string RoutedCommunityId,
    CaseKind Kind,
    CasePriority Priority,
    Specialty Specialty,
    CaseStatus Status,
    string ClinicalQuestion,
    string? PatientId,
    IReadOnlyList<string> Studies,
    string RequestingInstitutionId,
    string RequestedBy,
    string? AssignedReaderId,
    DateTimeOffset OpenedAt,
    DateTimeOffset SlaDueAt,
    DateTimeOffset? AcceptDueAt,
    bool SlaBreached,
    EcgFindings? Ecg,
    Guid? SecondOpinionOf,
    IReadOnlyList<CaseHistoryEntry> History);
