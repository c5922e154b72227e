namespace Telemed.DeviceGateway.EcgStreams.Protocol;

/// <summary>The fixed numbers of the protocol (docs/protocols/ecg-stream.md §2); both sides enforce them.</summary>
internal static class EcgStreamLimits
{
    /// <summary>"EC": first two bytes of every frame, so a stray client (HTTP, TLS) is refused at once.</summary>
    public const byte Magic0 = 0x45;

    public const byte Magic1 = 0x43;

    public const byte Version = 1;

    /// <summary>Magic (2), version (1), type (1), payload length (4, little-endian).</summary>
    public const int FrameHeaderLength = 8;

    /// <summary>Largest payload a peer may send; larger frames are refused before they are buffered.</summary>
    public const int MaxPayloadLength = 64 * 1024;

    public const int MaxLeads = 16;

    public const int MinSamplingRateHz = 100;

    public const int MaxSamplingRateHz = 2000;

    public const int MaxShortString = 255;

    public const int MaxDeviceIdBytes = 64;

    public const int MaxLabelBytes = 16;

    /// <summary>Sequence (4), first sample index (8), frame count (2).</summary>
    public const int SamplesHeaderLength = 14;

    /// <summary>A recording must fit an <see cref="Telemed.Ecg.Signals.EcgRecording"/> (int-indexed leads).</summary>
    public const long MaxRecordingFrames = int.MaxValue;

    /// <summary>Most sample frames one SAMPLES frame can carry for <paramref name="leads"/> leads.</summary>
    public static int MaxFramesPerBlock(int leads) => Math.Min(ushort.MaxValue, (MaxPayloadLength - SamplesHeaderLength) / (2 * leads));
}
