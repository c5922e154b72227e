using Telemed.DeviceGateway.EcgStreams.Live;
using Telemed.Ecg.Detection;

namespace Telemed.DeviceGateway.Tests.Support;

/// <summary>Records the live analysis the way a viewer would see it.</summary>
internal sealed class CollectingObserver : IEcgLiveObserver
{
    private readonly Lock _lock = new();

    public List<Beat> Beats { get; } = [];

    public List<EcgLiveRhythm> Updates { get; } = [];

    public long FilteredSamples { get; private set; }

    public long NextFilteredSample { get; private set; }

    public bool FilteredInOrder { get; private set; } = true;

    public void OnFilteredSamples(Guid recordingId, long firstSample, int leadCount, ReadOnlySpan<float> interleavedMillivolts)
    {
        lock (_lock)
        {
            // Every processed block is durable before a session lets go, so a resumed stream continues exactly where it was.
            FilteredInOrder &= firstSample == NextFilteredSample;
            NextFilteredSample = firstSample + (interleavedMillivolts.Length / leadCount);
            FilteredSamples += interleavedMillivolts.Length / leadCount;
        }
    }

    public void OnRhythm(EcgLiveRhythm rhythm)
    {
        lock (_lock)
        {
            Updates.Add(rhythm);
            Beats.AddRange(rhythm.NewBeats);
        }
    }
}
