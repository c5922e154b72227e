using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Telemed.DeviceGateway.EcgStreams.Protocol;
using Telemed.DeviceGateway.Tests.Support;
using Xunit;

namespace Telemed.DeviceGateway.Tests.EcgStreams;

/// <summary>
/// The same frames over a WebSocket (real WebSocket framing over a real TCP connection; the host will do the HTTP
/// upgrade). Every session ends with a close handshake, never an abort: ASP.NET Core aborts the HTTP connection of an
/// aborted server WebSocket, and the last frames (BYE-ACK, ERROR) were then lost to a connection reset.
/// </summary>
public sealed class EcgStreamWebSocketTests
{
    /// <summary>Bytes received but not yet cut into frames: messages need not hold whole frames.</summary>
    private readonly List<byte> _pending = [];

    [Fact]
    public async Task Frames_split_across_binary_messages_stream_a_recording_to_the_end()
    {
        var record = TestData.Record("100");
        var source = GatewayHarness.Source(record, 3600);
        await using var gateway = new GatewayHarness();
        using var pair = await WebSocketPair.ConnectAsync();
        var serving = gateway.Server.HandleWebSocketAsync(pair.Server, "ws-test", CancellationToken.None);
        var wire = new ArrayBufferWriter<byte>();

        EcgFrameWriter.WriteHello(wire, source.Hello);
        await SendInPiecesAsync(pair.Device, wire.WrittenMemory, 7);
        var (type, _) = await ReceiveFrameAsync(pair.Device);
        Assert.Equal(EcgFrameType.HelloAck, type);

        wire.ResetWrittenCount();
        for (int block = 0; block < 10; block++)
        {
            EcgFrameWriter.WriteSamples(wire, (uint)block + 1, block * 360, source.Interleaved.Span.Slice(block * 720, 720), 2);
        }

        EcgFrameWriter.WriteBye(wire, 10, 3600);
        await SendInPiecesAsync(pair.Device, wire.WrittenMemory, 1000); // message boundaries fall anywhere inside frames
        EcgFrameType last;
        do
        {
            (last, _) = await ReceiveFrameAsync(pair.Device);
        }
        while (last == EcgFrameType.Ack);

        Assert.Equal(EcgFrameType.ByeAck, last);
        await AnswerCloseAsync(pair.Device);
        await serving.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WebSocketState.Closed, pair.Server.State);
        Assert.Equal(source.Interleaved.ToArray(), gateway.SegmentSamples(source));
        Assert.Single(gateway.Sink.Published);
    }

    [Fact]
    public async Task A_wrong_token_gets_an_error_frame_then_a_close_handshake_not_an_abort()
    {
        var source = GatewayHarness.Source(TestData.Record("100"), 360, token: "not-the-token");
        await using var gateway = new GatewayHarness();
        using var pair = await WebSocketPair.ConnectAsync();
        var serving = gateway.Server.HandleWebSocketAsync(pair.Server, "ws-test", CancellationToken.None);
        var wire = new ArrayBufferWriter<byte>();
        EcgFrameWriter.WriteHello(wire, source.Hello);

        await pair.Device.SendAsync(wire.WrittenMemory, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

        var (type, payload) = await ReceiveFrameAsync(pair.Device);
        Assert.Equal(EcgFrameType.Error, type);
        Assert.Equal(EcgStreamErrorCode.Unauthorized, EcgFrameReader.ReadError(new ReadOnlySequence<byte>(payload)).Code);
        await AnswerCloseAsync(pair.Device);
        await serving.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WebSocketState.Closed, pair.Server.State);
        Assert.Empty(gateway.Sink.Published);
    }

    /// <summary>The server's Close must follow its last frame; the device answers it, completing the handshake.</summary>
    private static async Task AnswerCloseAsync(WebSocket device)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await device.ReceiveAsync(new byte[16], timeout.Token);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, result.CloseStatus);
        await device.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        Assert.Equal(WebSocketState.Closed, device.State);
    }

    private static async Task SendInPiecesAsync(WebSocket socket, ReadOnlyMemory<byte> bytes, int piece)
    {
        for (int at = 0; at < bytes.Length; at += piece)
        {
            await socket.SendAsync(bytes.Slice(at, Math.Min(piece, bytes.Length - at)), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        }
    }

    private async Task<(EcgFrameType, byte[])> ReceiveFrameAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
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

    /// <summary>A device WebSocket and a server WebSocket over one real loopback TCP connection.</summary>
    private sealed class WebSocketPair : IDisposable
    {
        private readonly Socket _deviceSocket;
        private readonly Socket _serverSocket;

        private WebSocketPair(Socket deviceSocket, Socket serverSocket)
        {
            _deviceSocket = deviceSocket;
            _serverSocket = serverSocket;
            Server = WebSocket.CreateFromStream(new NetworkStream(serverSocket, ownsSocket: false), new WebSocketCreationOptions { IsServer = true });
            Device = WebSocket.CreateFromStream(new NetworkStream(deviceSocket, ownsSocket: false), new WebSocketCreationOptions { IsServer = false });
        }

        public WebSocket Server { get; }

        public WebSocket Device { get; }

        public static async Task<WebSocketPair> ConnectAsync()
        {
            using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var device = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await device.ConnectAsync(listener.LocalEndPoint!);
            return new WebSocketPair(device, await listener.AcceptAsync());
        }

        public void Dispose()
        {
            Device.Dispose();
            Server.Dispose();
            _deviceSocket.Dispose();
            _serverSocket.Dispose();
        }
    }
}
