using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Measurements;

/// <summary>
/// Global measurements of a resting 12-lead ECG. Every value that could not be measured is null
/// (e.g. PR without a consistent P wave), never a placeholder. Intervals in milliseconds, ST levels in
/// millivolts relative to the PR-segment (isoelectric) baseline of the same lead.
/// </summary>
/// <param name="HeartRateBpm">60 000 / mean RR over all detected beats.</param>
/// <param name="RrMeanMs">Mean RR interval of all consecutive detected beats.</param>
/// <param name="RrSdMs">Sample standard deviation of the RR intervals.</param>
/// <param name="PrMs">P onset to QRS onset on the median beats.</param>
/// <param name="QrsMs">Global QRS onset to QRS offset (J point).</param>
/// <param name="QtMs">Global QRS onset to T end.</param>
/// <param name="QtcBazettMs">QT / √RR (RR in seconds).</param>
/// <param name="QtcFridericiaMs">QT / ∛RR (RR in seconds).</param>
/// <param name="FrontalAxisDegrees">Frontal-plane QRS axis from the net QRS areas of I and aVF, −180° to 180°.</param>
/// <param name="Fiducials">Global wave boundaries in the median-beat timeline; null when no median beat could be formed or no QRS found.</param>
/// <param name="MedianBeats">The median beat of every lead (limb leads derived when only I and II were stored).</param>
/// <param name="StJMillivolts">ST level at the J point per lead.</param>
/// <param name="StJ60Millivolts">ST level at J + 60 ms per lead.</param>
/// <param name="BeatsUsed">Beats that went into the median beats.</param>
/// <param name="BeatsExcluded">Beats not in the median beats: ectopic by RR, poorly correlated with the dominant morphology, too near the record edges, or beyond the 200 most typical beats a long recording is measured on.</param>
public sealed record RestingEcgMeasurements(
    double? HeartRateBpm,
    double? RrMeanMs,
    double? RrSdMs,
    double? PrMs,
    double? QrsMs,
    double? QtMs,
    double? QtcBazettMs,
    double? QtcFridericiaMs,
    double? FrontalAxisDegrees,
    FiducialPoints? Fiducials,
    IReadOnlyDictionary<LeadId, MedianBeat> MedianBeats,
    IReadOnlyDictionary<LeadId, double> StJMillivolts,
    IReadOnlyDictionary<LeadId, double> StJ60Millivolts,
    int BeatsUsed,
    int BeatsExcluded);
