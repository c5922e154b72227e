using Telemed.Grains.Cases;

namespace Telemed.Grains.Ingest;

/// <summary>Which case an ingested object went to and whether it opened that case.</summary>
[GenerateSerializer, Immutable]
public sealed record IngestOutcome(Guid CaseId, bool OpenedCase, CasePriority Priority);
