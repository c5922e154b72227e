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

    /// <summary>Every connection's start, its end (finished or not) and the raw samples between, in the order they came.</summary>
    public List<string> Lifecycle { get; } = [];

    public List<EcgLiveStream> Started { get; } = [];

    public List<short> RawSamples { get; } = [];

    public bool RawInOrder { get; private set; } = true;

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

    public ValueTask OnStreamStartedAsync(EcgLiveStream stream, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Started.Add(stream);
            Lifecycle.Add("started");
        }

        return ValueTask.CompletedTask;
    }

    public void OnSamples(Guid recordingId, long firstSample, ReadOnlySpan<short> interleavedAdu)
    {
        lock (_lock)
        {
            int leads = Started[^1].Leads.Count;
            RawInOrder &= firstSample * leads == RawSamples.Count && Lifecycle[^1] is "started" or "samples";
            RawSamples.AddRange(interleavedAdu);
            if (Lifecycle[^1] != "samples")
            {
                Lifecycle.Add("samples");
            }
        }
    }

    public void OnStreamEnded(Guid recordingId, bool finished)
    {
        lock (_lock)
        {
            Lifecycle.Add(finished ? "finished" : "dropped");
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
