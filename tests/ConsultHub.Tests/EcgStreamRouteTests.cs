using System.Buffers;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Telemed.DeviceGateway.EcgStreams.Client;
using Telemed.DeviceGateway.EcgStreams.Protocol;
using Telemed.Ecg.Wfdb;
using Xunit;

namespace Telemed.ConsultHub.Tests;

/// <summary>The hub's /ecg-stream WebSocket route carries the ECG stream protocol for the demo cart and its token.</summary>
public sealed partial class EcgStreamRouteTests : IAsyncLifetime
{
    private readonly string data = Path.Combine(Path.GetTempPath(), "telemed-ws-" + Guid.NewGuid().ToString("N"));
    private HubProcess hub = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(data);
        hub = await HubProcess.StartAsync(data);
    }

    public async Task DisposeAsync()
    {
        await hub.DisposeAsync();
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Demo_cart_streams_ten_seconds_over_the_websocket_route_to_a_finished_recording()
    {
        string token = CartToken().Match(await File.ReadAllTextAsync(Path.Combine(data, "demo-credentials.txt"))).Groups[1].Value;
        var record = WfdbRecordReader.Read(Path.Combine(Repository, "..", "shared", "ecg", "mitdb", "100"));
        var source = EcgStreamSource.FromRecording(record, Guid.NewGuid(), "cart-dongcun-1", token,
            new DateTime(2026, 11, 26, 9, 0, 0, DateTimeKind.Utc), "DEMO-0003", 3600);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{hub.HttpPort}/ecg-stream"), CancellationToken.None);
        var frames = new FrameReceiver(socket);
        var wire = new ArrayBufferWriter<byte>();

        EcgFrameWriter.WriteHello(wire, source.Hello);
        await socket.SendAsync(wire.WrittenMemory, WebSocketMessageType.Binary, true, CancellationToken.None);
        Assert.Equal(EcgFrameType.HelloAck, await frames.NextAsync());
        wire.ResetWrittenCount();
        int leads = source.Hello.Leads.Count;
        for (int block = 0; block < 10; block++)
        {
            EcgFrameWriter.WriteSamples(wire, (uint)block + 1, block * 360, source.Interleaved.Span.Slice(block * 360 * leads, 360 * leads), leads);
        }

        EcgFrameWriter.WriteBye(wire, 10, 3600);
        await socket.SendAsync(wire.WrittenMemory, WebSocketMessageType.Binary, true, CancellationToken.None);
        EcgFrameType last;
        do
        {
            last = await frames.NextAsync();
        }
        while (last == EcgFrameType.Ack);

        Assert.Equal(EcgFrameType.ByeAck, last);
    }

    [Fact]
    public async Task A_wrong_token_gets_an_error_frame()
    {
        var record = WfdbRecordReader.Read(Path.Combine(Repository, "..", "shared", "ecg", "mitdb", "100"));
        var source = EcgStreamSource.FromRecording(record, Guid.NewGuid(), "cart-dongcun-1", "not-the-token",
            new DateTime(2026, 11, 26, 9, 0, 0, DateTimeKind.Utc), "DEMO-0003", 360);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{hub.HttpPort}/ecg-stream"), CancellationToken.None);
        var wire = new ArrayBufferWriter<byte>();
        EcgFrameWriter.WriteHello(wire, source.Hello);

        await socket.SendAsync(wire.WrittenMemory, WebSocketMessageType.Binary, true, CancellationToken.None);

        Assert.Equal(EcgFrameType.Error, await new FrameReceiver(socket).NextAsync());
    }

    [GeneratedRegex(@"cart-dongcun-1\s+token:\s+(\S+)")]
    private static partial Regex CartToken();

    private static string Repository
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Telemed.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Telemed.sln not found above the test binaries");
        }
    }

    /// <summary>Cuts received WebSocket messages into protocol frames (a frame may span messages).</summary>
    private sealed class FrameReceiver(WebSocket socket)
    {
        private readonly List<byte> pending = [];

        public async Task<EcgFrameType> NextAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            byte[] buffer = new byte[8192];
            while (true)
            {
                var sequence = new ReadOnlySequence<byte>(pending.ToArray());
                long before = sequence.Length;
                if (EcgFrameReader.TryReadFrame(ref sequence, out EcgFrameType type, out _))
                {
                    pending.RemoveRange(0, (int)(before - sequence.Length));
                    return type;
                }

                WebSocketReceiveResult received = await socket.ReceiveAsync(buffer, timeout.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    throw new InvalidOperationException("the hub closed the WebSocket before the expected frame");
                }

                pending.AddRange(buffer.AsSpan(0, received.Count));
            }
        }
    }
}
