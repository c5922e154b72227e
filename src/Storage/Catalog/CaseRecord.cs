namespace Telemed.Storage.Catalog;

/// <summary>
/// A case as lists, filters and dashboards query it: a projection of the case grain's state, one row per case, kept up
/// to date by the grain on every change (its state stays the truth; this row is what can be searched). Enums are stored
/// by name, as elsewhere in the catalog. Times are UTC, whole milliseconds (stored as Unix milliseconds so that every
/// provider compares and orders them).
/// </summary>
public sealed class CaseRecord
{
    public Guid CaseId { get; set; }

    /// <summary>The community that asked (the requesting institution's).</summary>
    public required string CommunityId { get; set; }

    /// <summary>The community whose pool reads it; differs from <see cref="CommunityId"/> after overflow.</summary>
    public required string RoutedCommunityId { get; set; }

    public required string RequestingInstitutionId { get; set; }

    public required string RequestedBy { get; set; }

    /// <summary>CaseKind name, e.g. "EcgRead".</summary>
    public required string Kind { get; set; }

    /// <summary>CasePriority name: "Stat", "Urgent" or "Routine".</summary>
    public required string Priority { get; set; }

    /// <summary>Specialty name, e.g. "Cardiology".</summary>
    public required string Specialty { get; set; }

    /// <summary>CaseStatus name: "New", "Assigned", "InProgress", "Preliminary", "Signed", "Amended" or "Cancelled".</summary>
    public required string Status { get; set; }

    public string? PatientId { get; set; }

    public string? AssignedReaderId { get; set; }

    public required string ClinicalQuestion { get; set; }

    public DateTimeOffset OpenedAt { get; set; }

    /// <summary>The first assignment (a reassignment does not move it).</summary>
    public DateTimeOffset? AssignedAt { get; set; }

    public DateTimeOffset? AcceptedAt { get; set; }

    /// <summary>The first signature (an amendment does not move it).</summary>
    public DateTimeOffset? SignedAt { get; set; }

    /// <summary>Signed or cancelled.</summary>
    public DateTimeOffset? ClosedAt { get; set; }

    public DateTimeOffset SlaDueAt { get; set; }

    public bool SlaBreached { get; set; }

    /// <summary>When an Assigned case times out unaccepted (null once accepted, timed out or unassigned): the pool's deadline tick finds it by this.</summary>
    public DateTimeOffset? AcceptDueAt { get; set; }

    /// <summary>The warning at three quarters of the SLA was given.</summary>
    public bool SlaWarned { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// The grain state's change counter this row reflects. A write carrying an older revision than the stored one
    /// changes nothing, so a late or repeated write (catch-up after a restart) never moves the row backwards.
    /// </summary>
    public long Revision { get; set; }
}
