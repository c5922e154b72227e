using Telemed.Ecg.Detection;
using Telemed.Ecg.Measurements;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Analysis;

/// <summary>What the hub knows about an ECG before a cardiologist opens it: beats, measurements and flags.</summary>
public sealed record EcgAnalysis(
    EcgRecording Recording,
    IReadOnlyList<Beat> Beats,
    RestingEcgMeasurements Measurements,
    IReadOnlyList<EcgFlag> Flags)
{
    /// <summary>The most urgent flag's urgency; Routine when nothing was flagged.</summary>
    public EcgUrgency Urgency => Flags.Count == 0 ? EcgUrgency.Routine : Flags.Min(f => f.Urgency);
}
