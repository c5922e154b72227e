namespace Telemed.DeviceGateway.EcgStreams.Live;

/// <summary>
/// Receives the live analysis of every stream (the host pushes it to viewers). Called on the stream's own task, in
/// sample order: return quickly and hand the work to a batching queue, as a slow observer slows the device's ACKs.
/// The stream's lifetime and its raw samples have default no-op bodies, so an observer implements only what it shows.
/// </summary>
public interface IEcgLiveObserver
{
    /// <summary>A block of display-filtered samples in millivolts, interleaved by lead; the span is valid only during the call.</summary>
    void OnFilteredSamples(Guid recordingId, long firstSample, int leadCount, ReadOnlySpan<float> interleavedMillivolts);

    /// <summary>New beats, or a change of heart rate band or flags.</summary>
    void OnRhythm(EcgLiveRhythm rhythm);

    /// <summary>
    /// A device's connection was accepted for an open recording (again, after a reconnect), before its HELLO-ACK: the
    /// observer may look up where the stream is shown (e.g. the case being consulted) before the first sample arrives.
    /// A failure here is logged and never refuses the device.
    /// </summary>
    ValueTask OnStreamStartedAsync(EcgLiveStream stream, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>A block of samples exactly as the device sent them (ADC units, interleaved by lead); valid only during the call.</summary>
    void OnSamples(Guid recordingId, long firstSample, ReadOnlySpan<short> interleavedAdu)
    {
    }

    /// <summary>The connection ended: <paramref name="finished"/> after BYE (no more samples), otherwise the device may reconnect.</summary>
    void OnStreamEnded(Guid recordingId, bool finished)
    {
    }
}
