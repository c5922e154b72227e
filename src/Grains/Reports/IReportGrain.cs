namespace Telemed.Grains.Reports;

/// <summary>
/// The report of one case, keyed by the case id: a draft from a template, signing (the case's reader, at the silo's
/// clock) and amendments with a reason. Every signed version is kept; nothing is overwritten.
/// </summary>
public interface IReportGrain : IGrainWithGuidKey
{
    /// <summary>Starts a draft from the template, prefilled from the case's ECG analysis when there is one.</summary>
    Task<ReportContent> StartAsync(ReportTemplateKind template);

    /// <summary>
    /// Saves the draft; the case becomes Preliminary. With <paramref name="expectedRevision"/> the change is made only
    /// if the report is still at that <see cref="ReportView.Revision"/>, else <see cref="ReportChangedException"/>.
    /// </summary>
    Task SaveDraftAsync(string readerId, ReportContent content, int? expectedRevision = null);

    /// <summary>Signs the draft as version 1; the case becomes Signed. <paramref name="expectedRevision"/> as for a draft.</summary>
    Task<ReportVersion> SignAsync(string readerId, int? expectedRevision = null);

    /// <summary>Signs a new version with the reason for the change; the case becomes Amended. <paramref name="expectedRevision"/> as for a draft.</summary>
    Task<ReportVersion> AmendAsync(string readerId, ReportContent content, string reason, int? expectedRevision = null);

    Task<ReportView> GetAsync();
}
