using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Telemed.DeviceGateway.EcgStreams.Protocol;
using Telemed.DeviceGateway.Tests.Support;
using Xunit;

namespace Telemed.DeviceGateway.Tests.EcgStreams;

/// <summary>The same frames over a WebSocket (real WebSocket framing over a real TCP connection; the host will do the HTTP upgrade).</summary>
public sealed class EcgStreamWebSocketTests
{
    [Fact]
    public async Task Frames_split_across_binary_messages_stream_a_recording_to_the_end()
    {
        var record = TestData.Record("100");
        var source = GatewayHarness.Source(record, 3600);
        await using var gateway = new GatewayHarness();
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var deviceSocket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await deviceSocket.ConnectAsync(listener.LocalEndPoint!);
        using var serverSocket = await listener.AcceptAsync();
        using var serverSide = WebSocket.CreateFromStream(new NetworkStream(serverSocket, ownsSocket: false), new WebSocketCreationOptions { IsServer = true });
        using var device = WebSocket.CreateFromStream(new NetworkStream(deviceSocket, ownsSocket: false), new WebSocketCreationOptions { IsServer = false });
        var serving = gateway.Server.HandleWebSocketAsync(serverSide, "ws-test", CancellationToken.None);
        var wire = new ArrayBufferWriter<byte>();

        EcgFrameWriter.WriteHello(wire, source.Hello);
        await SendInPiecesAsync(device, wire.WrittenMemory, 7);
        var (type, _) = await ReceiveFrameAsync(device);
        Assert.Equal(EcgFrameType.HelloAck, type);

        wire.ResetWrittenCount();
        for (int block = 0; block < 10; block++)
        {
            EcgFrameWriter.WriteSamples(wire, (uint)block + 1, block * 360, source.Interleaved.Span.Slice(block * 720, 720), 2);
        }

        EcgFrameWriter.WriteBye(wire, 10, 3600);
        await SendInPiecesAsync(device, wire.WrittenMemory, 1000); // message boundaries fall anywhere inside frames
        EcgFrameType last;
        do
        {
            (last, _) = await ReceiveFrameAsync(device);
        }
        while (last == EcgFrameType.Ack);

        Assert.Equal(EcgFrameType.ByeAck, last);
        await serving.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(source.Interleaved.ToArray(), gateway.SegmentSamples(source));
        Assert.Single(gateway.Sink.Published);
    }

    private static async Task SendInPiecesAsync(WebSocket socket, ReadOnlyMemory<byte> bytes, int piece)
    {
        for (int at = 0; at < bytes.Length; at += piece)
        {
            await socket.SendAsync(bytes.Slice(at, Math.Min(piece, bytes.Length - at)), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        }
    }

    /// <summary>Bytes received but not yet cut into frames: messages need not hold whole frames.</summary>
    private readonly List<byte> _pending = [];

    private async Task<(EcgFrameType, byte[])> ReceiveFrameAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(_pending.ToArray());
            if (EcgFrameReader.TryReadFrame(ref sequence, out var type, out var payload))
            {
                _pending.RemoveRange(0, _pending.Count - (int)sequence.Length);
                return (type, payload.ToArray());
            }

            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            _pending.AddRange(buffer.AsSpan(0, result.Count));
        }
    }
}
