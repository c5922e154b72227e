using Telemed.Grains.Cases;

namespace Telemed.Grains.Readers;

/// <summary>A case on a reader's worklist, with what the list is sorted and coloured by. <see cref="AssignedAt"/> is the case's first assignment.</summary>
[GenerateSerializer, Immutable]
public sealed record WorklistEntry(Guid CaseId, CaseKind Kind, CasePriority Priority, string? PatientId, DateTimeOffset SlaDueAt, DateTimeOffset AssignedAt);
