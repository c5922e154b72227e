using Telemed.Grains.Cases;

namespace Telemed.Grains.Routing;

/// <summary>A case as routing sees it: enough to order the queue and fill a worklist line.</summary>
[GenerateSerializer, Immutable]
public sealed record RoutingRequest(Guid CaseId, CaseKind Kind, CasePriority Priority, string? PatientId, DateTimeOffset OpenedAt, DateTimeOffset SlaDueAt);
