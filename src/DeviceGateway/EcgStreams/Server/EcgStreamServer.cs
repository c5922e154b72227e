using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telemed.DeviceGateway.EcgStreams.Authentication;
using Telemed.DeviceGateway.EcgStreams.Live;
using Telemed.DeviceGateway.Ingest;
using Telemed.Storage.Blobs;

namespace Telemed.DeviceGateway.EcgStreams.Server;

/// <summary>
/// The ECG stream protocol (docs/protocols/ecg-stream.md) over any transport: give it each connection as an
/// <see cref="IDuplexPipe"/>. <see cref="EcgStreamListener"/> does so for TCP; the host can adapt a WebSocket the same way.
/// </summary>
public sealed class EcgStreamServer
{
    public EcgStreamServer(EcgStreamServerOptions options, IEcgDeviceAuthenticator authenticator, BlobStore blobs, IIngestSink sink,
        IEcgLiveObserver? observer = null, ILogger<EcgStreamServer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(authenticator);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.AckEveryFrames, 1);
        Options = options;
        Authenticator = authenticator;
        Observer = observer;
        Logger = logger ?? NullLogger<EcgStreamServer>.Instance;
        Finalizer = new EcgRecordingFinalizer(blobs, sink, options.MainsHz);
        Directory.CreateDirectory(options.SegmentRoot);
    }

    public EcgStreamServerOptions Options { get; }

    internal IEcgDeviceAuthenticator Authenticator { get; }

    internal IEcgLiveObserver? Observer { get; }

    internal ILogger Logger { get; }

    internal EcgRecordingFinalizer Finalizer { get; }

    internal EcgRecordingLeases Leases { get; } = new();

    /// <summary>
    /// Live analyses of recordings whose connection broke, kept so a reconnect continues them instead of replaying the
    /// whole segment (a replay costs about a second per 15 M samples). Bounded: past the limit a reconnect replays.
    /// </summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<Guid, EcgLiveAnalyzer> ParkedAnalyses { get; } = new();

    internal const int MaxParkedAnalyses = 256;

    /// <summary>
    /// Runs one connection to its end: BYE-ACK, an ERROR, the peer closing, or <paramref name="cancellationToken"/>
    /// (server stopping: ERROR ShuttingDown after the received samples are durable). Never throws for the peer's faults.
    /// Completes both halves of <paramref name="transport"/>. The session wakes its read loop with
    /// <see cref="PipeReader.CancelPendingRead"/> (ACK batching, idle timeout, stop), so the transport's reader must
    /// survive that: a <see cref="Pipe"/> fed by a receive loop, not a StreamPipeReader over a NetworkStream.
    /// </summary>
    public async Task HandleConnectionAsync(IDuplexPipe transport, string remote, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        using var session = new EcgStreamSession(this, transport, remote ?? "?", cancellationToken);
        await session.RunAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one connection over an accepted WebSocket (the host did the HTTP upgrade): the same frames, carried in
    /// binary messages. The session ends with a close handshake (our Close, then the peer's), never an abort: ASP.NET Core
    /// aborts the HTTP connection of an aborted WebSocket, which would drop the last frames (BYE-ACK, ERROR) unsent.
    /// </summary>
    public async Task HandleWebSocketAsync(System.Net.WebSockets.WebSocket webSocket, string remote, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webSocket);
        var transport = new WebSocketTransport(webSocket, Logger, remote);
        await using (transport.ConfigureAwait(false))
        {
            await HandleConnectionAsync(transport, remote, cancellationToken).ConfigureAwait(false);
        }
    }
}
