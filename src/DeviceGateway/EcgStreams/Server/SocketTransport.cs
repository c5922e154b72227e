using System.IO.Pipelines;
using System.Net.Sockets;

namespace Telemed.DeviceGateway.EcgStreams.Server;

/// <summary>
/// A TCP connection as a duplex pipe, as Kestrel's socket transport does it: one loop receives into a pipe, one sends
/// from a pipe. Unlike <see cref="PipeReader.Create(Stream, StreamPipeReaderOptions?)"/> over a NetworkStream,
/// <see cref="PipeReader.CancelPendingRead"/> then only wakes the session; cancelling a socket read would abort the
/// connection before the session could send its ACK or ERROR.
/// </summary>
internal sealed class SocketTransport : IDuplexPipe, IAsyncDisposable
{
    private const int ReceiveBufferHint = 8192;

    private readonly Socket _socket;
    private readonly Pipe _received = new(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
    private readonly Pipe _toSend = new(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
    private readonly Task _receiving;
    private readonly Task _sending;

    public SocketTransport(Socket socket)
    {
        _socket = socket;
        _receiving = ReceiveLoopAsync();
        _sending = SendLoopAsync();
    }

    public PipeReader Input => _received.Reader;

    public PipeWriter Output => _toSend.Writer;

    /// <summary>After the session completed both halves: lets the last bytes (an ERROR, BYE-ACK) go out, then closes.</summary>
    public async ValueTask DisposeAsync()
    {
        await _sending.ConfigureAwait(false);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        _socket.Dispose();
        await _receiving.ConfigureAwait(false);
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
                int n = await _socket.ReceiveAsync(memory, SocketFlags.None).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                writer.Advance(n);
                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            error = new IOException($"connection lost: {e.Message}", e);
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
                foreach (var segment in result.Buffer)
                {
                    for (var rest = segment; !rest.IsEmpty;)
                    {
                        int sent = await _socket.SendAsync(rest, SocketFlags.None).ConfigureAwait(false);
                        rest = rest[sent..];
                    }
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            await reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The session's next flush sees the completed reader; its read side sees the socket's end.
            await reader.CompleteAsync(e).ConfigureAwait(false);
        }
    }
}
