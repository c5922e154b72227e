using System.IO.Pipelines;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace Telemed.DeviceGateway.EcgStreams.Server;

/// <summary>
/// A WebSocket as a duplex pipe, so the host can serve browsers and devices behind HTTP proxies with the same session:
/// binary messages are a byte stream (frames may span messages or share one), and each flush goes out as one message.
/// Only <see cref="WebSocket"/> from the base library is used; the host does the HTTP upgrade.
/// </summary>
/// <remarks>
/// The session's end is a close handshake (RFC 6455 §7.1.2), never an abort: a WebSocket whose receive is cancelled
/// goes to <see cref="WebSocketState.Aborted"/>, and ASP.NET Core then aborts the whole HTTP connection, dropping the
/// last frames (BYE-ACK, ERROR, Close) still queued in the server's output, so the device saw a connection reset.
/// </remarks>
internal sealed partial class WebSocketTransport : IDuplexPipe, IAsyncDisposable
{
    private const int ReceiveBufferHint = 8192;

    /// <summary>How long a peer may take to answer our Close before the connection is dropped without it.</summary>
    internal static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly WebSocket _socket;
    private readonly ILogger _logger;
    private readonly string _remote;
    private readonly Pipe _received = new(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
    private readonly Pipe _toSend = new(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _receiving;
    private readonly Task _sending;

    public WebSocketTransport(WebSocket socket, ILogger logger, string remote)
    {
        _socket = socket;
        _logger = logger;
        _remote = remote;
        _receiving = ReceiveLoopAsync();
        _sending = SendLoopAsync();
    }

    public PipeReader Input => _received.Reader;

    public PipeWriter Output => _toSend.Writer;

    /// <summary>
    /// After the session completed both halves: the send loop has sent the last frames and our Close; the peer's Close
    /// (or its end of the connection) is awaited, so the WebSocket ends Closed and the host closes the connection
    /// gracefully. Only a peer that never answers is cut off, after <see cref="CloseHandshakeTimeout"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _sending.ConfigureAwait(false);
        if (_socket.State == WebSocketState.CloseSent)
        {
            try
            {
                await _receiving.WaitAsync(CloseHandshakeTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LogCloseUnanswered(_logger, _remote, CloseHandshakeTimeout);
            }
        }

        // Cancelling a receive aborts the WebSocket: only when the handshake is over or cannot happen any more.
        await _closing.CancelAsync().ConfigureAwait(false);
        await _receiving.ConfigureAwait(false);
        LogClosed(_logger, _remote, _socket.State, _socket.CloseStatus);
        _closing.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        await Task.Yield();
        var writer = _received.Writer;
        bool sessionReading = true;
        byte[]? drain = null;
        Exception? error = null;
        try
        {
            while (true)
            {
                // Once the session has stopped reading, what still arrives is drained until the peer's Close.
                var memory = sessionReading ? writer.GetMemory(ReceiveBufferHint) : drain ??= new byte[ReceiveBufferHint];
                var result = await _socket.ReceiveAsync(memory, _closing.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                if (!sessionReading)
                {
                    continue;
                }

                if (result.MessageType != WebSocketMessageType.Binary)
                {
                    error = new IOException("ECG stream frames travel in binary WebSocket messages, not text");
                    break;
                }

                writer.Advance(result.Count);
                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    sessionReading = false;
                    await writer.CompleteAsync().ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            error = e is OperationCanceledException ? null : new IOException($"connection lost: {e.Message}", e);
        }

        if (sessionReading)
        {
            await writer.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    private async Task SendLoopAsync()
    {
        await Task.Yield();
        var reader = _toSend.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                var position = buffer.Start;
                while (buffer.TryGet(ref position, out var segment))
                {
                    await _socket.SendAsync(segment, WebSocketMessageType.Binary, endOfMessage: position.GetObject() is null, CancellationToken.None)
                        .ConfigureAwait(false);
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            await reader.CompleteAsync().ConfigureAwait(false);
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
        {
            await reader.CompleteAsync(e).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ECG stream WebSocket ({Remote}): the peer did not answer our Close within {Timeout}; dropping the connection")]
    private static partial void LogCloseUnanswered(ILogger logger, string remote, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ECG stream WebSocket ({Remote}) ended in state {State} (close status {CloseStatus})")]
    private static partial void LogClosed(ILogger logger, string remote, WebSocketState state, WebSocketCloseStatus? closeStatus);
}
