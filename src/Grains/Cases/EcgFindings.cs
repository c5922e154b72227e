namespace Telemed.Grains.Cases;

/// <summary>What the automatic ECG analysis found, carried on the case so the report can be prefilled.</summary>
[GenerateSerializer, Immutable]
public sealed record EcgFindings(
    IReadOnlyList<string> Flags,
    int? HeartRateBpm = null,
    int? PrMs = null,
    int? QrsMs = null,
    int? QtMs = null,
    int? QtcMs = null,
    int? AxisDegrees = null);
