namespace Telemed.Ecg.Detection;

/// <summary>
/// Physiological parameters of <see cref="QrsDetector"/>, all in seconds or hertz so the detector behaves the
/// same at any sampling rate. Defaults follow the published Pan–Tompkins design (IEEE TBME 32(3), 1985) and the
/// physiology it rests on: QRS energy lies mostly in 5–15 Hz, a QRS lasts up to ~150 ms, no two ventricular
/// depolarisations come closer than ~200 ms, and a T wave ends within ~360 ms of its QRS at normal rates.
/// </summary>
public sealed record QrsDetectorOptions
{
    public static QrsDetectorOptions Default { get; } = new();

    /// <summary>Lower edge of the QRS band-pass (Hz).</summary>
    public double BandLowHz { get; init; } = 5;

    /// <summary>Upper edge of the QRS band-pass (Hz).</summary>
    public double BandHighHz { get; init; } = 15;

    /// <summary>Moving-window integration length: about the widest QRS (s).</summary>
    public double IntegrationWindow { get; init; } = 0.150;

    /// <summary>No second QRS within this time of a detected one (s).</summary>
    public double RefractoryPeriod { get; init; } = 0.200;

    /// <summary>Within this time of a QRS, a peak with much less slope is taken for a T wave (s).</summary>
    public double TWaveWindow { get; init; } = 0.360;

    /// <summary>Thresholds are learned from this much signal before the first beat is reported (s).</summary>
    public double LearningPeriod { get; init; } = 2.0;

    /// <summary>When no QRS has come for this multiple of the mean RR interval, search back with a lower threshold.</summary>
    public double SearchBackFactor { get; init; } = 1.66;

    /// <summary>
    /// A complex that comes before this fraction of the mean RR interval …
    /// </summary>
    public double EarlyFraction { get; init; } = 0.6;

    /// <summary>
    /// … with less than this fraction of the running QRS level is held back as probable artefact: an ectopic beat
    /// is early but strong. Search-back still takes it if no better complex follows.
    /// </summary>
    public double WeakFraction { get; init; } = 0.4;

    /// <summary>
    /// With several leads, a complex below this multiple of the detection threshold that some leads do not show
    /// (less than a quarter of their QRS level) is held back for search-back rather than accepted at once.
    /// </summary>
    public double MarginalFactor { get; init; } = 2;
}
