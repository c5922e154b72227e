using System.IO.Pipelines;
using System.Net.WebSockets;

namespace Telemed.DeviceGateway.EcgStreams.Server;

/// <summary>
/// A WebSocket as a duplex pipe, so the host can serve browsers and devices behind HTTP proxies with the same session:
/// binary messages are a byte stream (frames may span messages or share one), and each flush goes out as one message.
/// Only <see cref="WebSocket"/> from the base library is used; the host does the HTTP upgrade.
/// </summary>
internal sealed class WebSocketTransport : IDuplexPipe, IAsyncDisposable
{
    private const int ReceiveBufferHint = 8192;

    private readonly WebSocket _socket;
    private readonly Pipe _received = new(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
    private readonly Pipe _toSend = new(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _receiving;
    private readonly Task _sending;

    public WebSocketTransport(WebSocket socket)
    {
        _socket = socket;
        _receiving = ReceiveLoopAsync();
        _sending = SendLoopAsync();
    }

    public PipeReader Input => _received.Reader;

    public PipeWriter Output => _toSend.Writer;

    public async ValueTask DisposeAsync()
    {
        await _sending.ConfigureAwait(false);
        // The receive loop may wait for a message that never comes; the session is over, so stop waiting.
        await _closing.CancelAsync().ConfigureAwait(false);
        await _receiving.ConfigureAwait(false);
        _closing.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        await Task.Yield();
        var writer = _received.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(ReceiveBufferHint);
                var result = await _socket.ReceiveAsync(memory, _closing.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
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
                    break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            error = e is OperationCanceledException ? null : new IOException($"connection lost: {e.Message}", e);
        }

        await writer.CompleteAsync(error).ConfigureAwait(false);
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
}
