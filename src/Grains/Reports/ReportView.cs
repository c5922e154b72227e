namespace Telemed.Grains.Reports;

/// <summary>The working draft (if any) and every signed version, oldest first.</summary>
[GenerateSerializer, Immutable]
public sealed record ReportView(Guid CaseId, ReportContent? Draft, IReadOnlyList<ReportVersion> Versions);
