using Telemed.Grains.Communities;

namespace Telemed.Grains.Cases;

/// <summary>A case as <see cref="ICaseIndex"/> stores it: the searchable part of its state and its lifecycle times.</summary>
[GenerateSerializer, Immutable]
public sealed record CaseIndexEntry(
    Guid CaseId,
    string CommunityId,
    string RoutedCommunityId,
    string RequestingInstitutionId,
    string RequestedBy,
    CaseKind Kind,
    CasePriority Priority,
    Specialty Specialty,
    CaseStatus Status,
    string? PatientId,
    string? AssignedReaderId,
    string ClinicalQuestion,
    DateTimeOffset OpenedAt,
    DateTimeOffset? AssignedAt,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? SignedAt,
    DateTimeOffset? ClosedAt,
    DateTimeOffset SlaDueAt,
    bool SlaBreached,
    DateTimeOffset UpdatedAt,
    long Revision,
    DateTimeOffset? AcceptDueAt = null,
    bool SlaWarned = false);
