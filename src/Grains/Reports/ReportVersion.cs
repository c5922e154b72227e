namespace Telemed.Grains.Reports;

/// <summary>A signed version of a report; version 1 is the original, later ones are amendments with their reason.</summary>
[GenerateSerializer, Immutable]
public sealed record ReportVersion(int Number, ReportContent Content, string SignedBy, DateTimeOffset SignedAt, string? AmendmentReason);
