namespace Telemed.Storage.Cases;

/// <summary>
/// Filters for listing cases within a <see cref="CaseScope"/>; null or empty means any. Enum-valued fields are the
/// names the catalog stores (CaseStatus, CasePriority, CaseKind, Specialty). The period is on the opening time,
/// from inclusive, to exclusive. Newest first; <see cref="Limit"/> is clamped to 1–<see cref="MaxLimit"/>.
/// </summary>
public sealed record CaseQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public IReadOnlyList<string> Statuses { get; init; } = [];

    public string? Priority { get; init; }

    public string? Kind { get; init; }

    public string? Specialty { get; init; }

    public string? RequestingInstitutionId { get; init; }

    public string? AssignedReaderId { get; init; }

    public string? PatientId { get; init; }

    public DateTimeOffset? OpenedFrom { get; init; }

    public DateTimeOffset? OpenedTo { get; init; }

    public int Limit { get; init; } = DefaultLimit;

    public int Offset { get; init; }
}
