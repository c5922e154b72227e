using Telemed.Ecg.Filters;
using Telemed.Ecg.Rhythm;

namespace Telemed.DeviceGateway.EcgStreams.Server;

/// <summary>How the ECG stream server stores, acknowledges and analyses streams.</summary>
public sealed record EcgStreamServerOptions
{
    /// <summary>Folder that holds one sub-folder per recording (recording.json, samples.seg, finished.json).</summary>
    public required string SegmentRoot { get; init; }

    /// <summary>A connection that sends no frame for this long gets ERROR IdleTimeout and is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest time received samples wait for their fsync and ACK. Batching fsyncs over this window (or
    /// <see cref="AckEveryFrames"/>) keeps a fast link from paying one fsync per frame.
    /// </summary>
    public TimeSpan MaxAckDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Unacknowledged SAMPLES frames after which the server fsyncs and acknowledges without waiting.</summary>
    public int AckEveryFrames { get; init; } = 64;

    /// <summary>How long a reconnecting device waits for its old, half-open connection to let go of the recording.</summary>
    public TimeSpan TakeoverTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Filter for the live samples shown to viewers (beat detection has its own band-pass).</summary>
    public EcgFilterSettings DisplayFilter { get; init; } = EcgFilterSettings.Monitoring;

    /// <summary>Mains frequency at the devices' sites, for the noise checks of the final analysis.</summary>
    public double MainsHz { get; init; } = RhythmFlagger.DefaultMainsHz;
}
