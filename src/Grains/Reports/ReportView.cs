namespace Telemed.Grains.Reports;

/// <summary>
/// The working draft (if any) and every signed version, oldest first. <see cref="Revision"/> counts the stored changes
/// (draft started or saved, signed, amended): what a client's ETag names to change the report without losing another's work.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ReportView(Guid CaseId, ReportContent? Draft, IReadOnlyList<ReportVersion> Versions, int Revision = 0);
