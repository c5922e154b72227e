namespace Telemed.DeviceGateway.EcgStreams.Client;

/// <summary>Where and how <see cref="EcgStreamClient"/> streams.</summary>
public sealed record EcgStreamClientOptions
{
    public required string Host { get; init; }

    public required int Port { get; init; }

    /// <summary>Samples per lead in one SAMPLES frame; 0 for a tenth of a second, as a monitor sends.</summary>
    public int FramesPerBlock { get; init; }

    /// <summary>Send no sample before its time (as a live device would); otherwise as fast as ACKs allow.</summary>
    public bool Realtime { get; init; }

    /// <summary>Drop the connection after every N SAMPLES frames (a weak link, for tests and demos); 0 never.</summary>
    public int DropEvery { get; init; }

    /// <summary>SAMPLES frames sent ahead of the last ACK before the client waits.</summary>
    public int MaxUnacknowledgedFrames { get; init; } = 256;

    /// <summary>Connection attempts in a row that may fail without any newly acknowledged sample before giving up.</summary>
    public int MaxAttemptsWithoutProgress { get; init; } = 20;

    /// <summary>First pause before reconnecting; doubled after each failure without progress, up to 2 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long to wait for a connection, HELLO-ACK, an ACK or BYE-ACK before treating the link as dead.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
