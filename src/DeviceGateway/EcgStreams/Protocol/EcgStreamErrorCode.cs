namespace Telemed.DeviceGateway.EcgStreams.Protocol;

/// <summary>Codes of the ERROR frame (docs/protocols/ecg-stream.md §3.6). A device retries only the transient ones.</summary>
public enum EcgStreamErrorCode : ushort
{
    /// <summary>Bad magic, version, frame type or payload layout.</summary>
    MalformedFrame = 1,

    FrameTooLarge = 2,

    /// <summary>Unknown device or wrong token. Not transient.</summary>
    Unauthorized = 3,

    /// <summary>HELLO fields outside the limits (leads, rate, gain, labels).</summary>
    InvalidHello = 4,

    /// <summary>HELLO names a recording that exists with other metadata or belongs to another device. Not transient.</summary>
    RecordingMismatch = 5,

    /// <summary>A SAMPLES sequence number skips ahead, or its first sample index is not the next one.</summary>
    OutOfSequence = 6,

    /// <summary>A frame that is not allowed in the session's state (e.g. SAMPLES before HELLO).</summary>
    UnexpectedFrame = 7,

    /// <summary>BYE's totals do not match what the server holds.</summary>
    ByeMismatch = 8,

    RecordingTooLong = 9,

    /// <summary>No frame within the idle timeout. Transient.</summary>
    IdleTimeout = 10,

    /// <summary>The server is stopping. Transient.</summary>
    ShuttingDown = 11,

    /// <summary>A newer connection of the same device took the recording over. Transient.</summary>
    Superseded = 12,

    /// <summary>A server fault (disk full, I/O error). Transient.</summary>
    ServerError = 13,
}
