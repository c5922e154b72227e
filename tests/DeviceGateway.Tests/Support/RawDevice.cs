using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Telemed.DeviceGateway.EcgStreams.Protocol;

namespace Telemed.DeviceGateway.Tests.Support;

/// <summary>A device speaking the protocol frame by frame over a real socket, for tests that need exact control.</summary>
internal sealed class RawDevice : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private RawDevice(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Input = PipeReader.Create(_stream);
        Output = PipeWriter.Create(_stream);
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public static async Task<RawDevice> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint);
        return new RawDevice(socket);
    }

    public async Task SendAsync(Action<IBufferWriter<byte>> write)
    {
        write(Output);
        await Output.FlushAsync();
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>The next frame from the server, or null when it closed the connection.</summary>
    public async Task<(EcgFrameType Type, byte[] Payload)?> ReadFrameAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            ReadResult result = await Input.ReadAsync(timeout.Token);
            var buffer = result.Buffer;
            if (EcgFrameReader.TryReadFrame(ref buffer, out var type, out var payload))
            {
                byte[] bytes = payload.ToArray();
                Input.AdvanceTo(buffer.Start);
                return (type, bytes);
            }

            Input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>Reads frames until an ERROR and then the end of the connection; returns the ERROR's code.</summary>
    public async Task<EcgStreamErrorCode> ExpectErrorAndCloseAsync()
    {
        while (true)
        {
            var frame = await ReadFrameAsync() ?? throw new InvalidOperationException("connection closed without ERROR");
            if (frame.Type == EcgFrameType.Error)
            {
                var (code, _) = EcgFrameReader.ReadError(new ReadOnlySequence<byte>(frame.Payload));
                if (await ReadFrameAsync() is { } after)
                {
                    throw new InvalidOperationException($"{after.Type} after ERROR; the server should have closed");
                }

                return code;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
