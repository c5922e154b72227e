namespace Telemed.Storage.Cases;

/// <summary>
/// The service one institution received in a period (or all of them, <see cref="InstitutionId"/> "*"): case volumes
/// by kind, priority and status; turnaround request → assigned, assigned → signed and request → signed (first
/// assignment, first signature); and SLA compliance per priority.
/// </summary>
public sealed record InstitutionService(
    string InstitutionId,
    int Cases,
    IReadOnlyDictionary<string, int> ByKind,
    IReadOnlyDictionary<string, int> ByPriority,
    IReadOnlyDictionary<string, int> ByStatus,
    Turnaround RequestToAssigned,
    Turnaround AssignedToSigned,
    Turnaround RequestToSigned,
    IReadOnlyList<SlaCompliance> Sla);
