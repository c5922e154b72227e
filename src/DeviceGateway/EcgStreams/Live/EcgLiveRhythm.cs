using Telemed.Ecg.Detection;
using Telemed.Ecg.Rhythm;

namespace Telemed.DeviceGateway.EcgStreams.Live;

/// <summary>
/// The rhythm of a live stream at <see cref="SampleCount"/>: beats confirmed since the last update, the heart rate over
/// the last beats, and the flags that can be judged live (rate bands, pauses). The full analysis runs at BYE.
/// </summary>
public sealed record EcgLiveRhythm(
    Guid RecordingId,
    string DeviceId,
    long SampleCount,
    IReadOnlyList<Beat> NewBeats,
    double? HeartRateBpm,
    IReadOnlyList<EcgFlagKind> Flags)
{
    /// <summary>The most urgent live flag's urgency; Routine without flags.</summary>
    public EcgUrgency Urgency => Flags.Count == 0 ? EcgUrgency.Routine : Flags.Min(RhythmFlagger.UrgencyOf);
}
