namespace Telemed.Grains.Reports;

/// <summary>One structured field of a report (e.g. "QTc (ms)" = "452").</summary>
[GenerateSerializer, Immutable]
public sealed record ReportField(string Name, string Value);
