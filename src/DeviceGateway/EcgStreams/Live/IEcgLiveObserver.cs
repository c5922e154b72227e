namespace Telemed.DeviceGateway.EcgStreams.Live;

/// <summary>
/// Receives the live analysis of every stream (the host pushes it to viewers). Called on the stream's own task, in
/// sample order: return quickly and hand the work to a batching queue, as a slow observer slows the device's ACKs.
/// </summary>
public interface IEcgLiveObserver
{
    /// <summary>A block of display-filtered samples in millivolts, interleaved by lead; the span is valid only during the call.</summary>
    void OnFilteredSamples(Guid recordingId, long firstSample, int leadCount, ReadOnlySpan<float> interleavedMillivolts);

    /// <summary>New beats, or a change of heart rate band or flags.</summary>
    void OnRhythm(EcgLiveRhythm rhythm);
}
