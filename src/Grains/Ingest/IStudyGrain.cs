namespace Telemed.Grains.Ingest;

/// <summary>
/// One study (key <see cref="IngestedItem.StudyKey"/>): collects its ingested objects and opens the case on the first
/// one, or joins later ones to it. An ECG whose analysis carries a Stat flag (STEMI, VT, pause, asystole) opens a
/// Stat case, or raises an open case to Stat. One activation per study, so concurrent objects open one case.
/// </summary>
public interface IStudyGrain : IGrainWithStringKey
{
    Task<IngestOutcome> IngestAsync(IngestedItem item);

    /// <summary>The study's case, if one was opened.</summary>
    Task<Guid?> GetCaseAsync();
}
