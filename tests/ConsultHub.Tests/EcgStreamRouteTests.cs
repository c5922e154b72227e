using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Telemed.DeviceGateway.EcgStreams.Authentication;
using Telemed.DeviceGateway.EcgStreams.Client;
using Telemed.DeviceGateway.EcgStreams.Protocol;
using Telemed.DeviceGateway.EcgStreams.Segments;
using Telemed.Ecg.Wfdb;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.ConsultHub.Tests;

/// <summary>
/// The hub's /ecg-stream WebSocket route carries the ECG stream protocol (docs/protocols/ecg-stream.md) for the demo
/// cart and its token, with the hub as its own process on a fresh data folder. Each session must end with a close
/// handshake: an aborted server WebSocket makes ASP.NET Core abort the connection, and the device then lost its
/// BYE-ACK or ERROR to a connection reset (seen first in fresh CI clones).
/// </summary>
public sealed partial class EcgStreamRouteTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string CartId = "cart-dongcun-1";
    private const string CartInstitution = "township-dongcun";
    private const int BlockFrames = 360;
    private const int Blocks = 10;

    /// <summary>Generous: CI runs this on 2 loaded cores.</summary>
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(60);

    private readonly string data = Path.Combine(Path.GetTempPath(), "telemed-ws-" + Guid.NewGuid().ToString("N"));
    private HubProcess hub = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(data);
        hub = await HubProcess.StartAsync(data);
    }

    public async Task DisposeAsync()
    {
        output.WriteLine(hub.Output); // shown with a failure: the hub's own account of the connection
        await hub.DisposeAsync();
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Demo_cart_streams_ten_seconds_of_mitdb_100_to_a_recording_that_survives_kill_9()
    {
        EcgStreamSource source = Source(await CartTokenAsync());
        var wire = new ArrayBufferWriter<byte>();
        int leads = source.Hello.Leads.Count;
        EcgStreamCompletion completion;
        await using (var device = await DeviceConnection.OpenAsync(hub.HttpPort))
        {
            EcgFrameWriter.WriteHello(wire, source.Hello);
            await device.SendAsync(wire);
            var (type, payload) = await device.NextFrameAsync();
            Assert.Equal(EcgFrameType.HelloAck, type);
            Assert.Equal((false, 1u, 0L), EcgFrameReader.ReadHelloAck(payload));

            for (int block = 0; block < Blocks; block++)
            {
                EcgFrameWriter.WriteSamples(wire, (uint)block + 1, block * BlockFrames,
                    source.Interleaved.Span.Slice(block * BlockFrames * leads, BlockFrames * leads), leads);
                await device.SendAsync(wire);
            }

            // BYE goes after the last ACK (protocol §3.5): collect ACKs until one covers every block.
            (uint Sequence, long Samples) acknowledged = (0, 0);
            while (acknowledged.Sequence < Blocks)
            {
                (type, payload) = await device.NextFrameAsync();
                Assert.Equal(EcgFrameType.Ack, type);
                acknowledged = EcgFrameReader.ReadSequenceAndCount(payload, "ACK");
            }

            Assert.Equal(((uint)Blocks, (long)Blocks * BlockFrames), acknowledged);
            EcgFrameWriter.WriteBye(wire, Blocks, Blocks * BlockFrames);
            await device.SendAsync(wire);
            (type, payload) = await device.NextFrameAfterAcksAsync();
            Assert.Equal(EcgFrameType.ByeAck, type);
            completion = EcgFrameReader.ReadByeAck(payload);
            await device.AnswerCloseAsync();
        }

        // Durable: the blob is stored under its SHA-256, and the segment holds exactly the samples sent.
        string blob = Path.Combine(data, "blobs", completion.BlobHash[..2], completion.BlobHash[2..4], completion.BlobHash);
        Assert.True(File.Exists(blob), $"BYE-ACK named blob {completion.BlobHash}, which is not in {data}/blobs");
        Assert.Equal(completion.BlobHash, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(blob))));
        HubProcess crashed = hub;
        crashed.Kill();
        Assert.Equal(source.Interleaved.ToArray(), SegmentSamples(source));

        // After a crash the same recording is known as finished, with the same blob: a resend stores nothing twice.
        hub = await HubProcess.StartAsync(data);
        await crashed.DisposeAsync();
        await using (var device = await DeviceConnection.OpenAsync(hub.HttpPort))
        {
            EcgFrameWriter.WriteHello(wire, source.Hello);
            await device.SendAsync(wire);
            var (type, payload) = await device.NextFrameAsync();
            Assert.Equal(EcgFrameType.HelloAck, type);
            Assert.Equal((true, (uint)Blocks + 1, (long)Blocks * BlockFrames), EcgFrameReader.ReadHelloAck(payload));
            EcgFrameWriter.WriteBye(wire, Blocks, Blocks * BlockFrames);
            await device.SendAsync(wire);
            (type, payload) = await device.NextFrameAfterAcksAsync();
            Assert.Equal(EcgFrameType.ByeAck, type);
            Assert.Equal(completion.BlobHash, EcgFrameReader.ReadByeAck(payload).BlobHash);
            await device.AnswerCloseAsync();
        }
    }

    [Fact]
    public async Task A_wrong_token_gets_an_unauthorized_error_frame_a_close_and_no_recording()
    {
        EcgStreamSource source = Source("not-the-token");
        var wire = new ArrayBufferWriter<byte>();
        await using var device = await DeviceConnection.OpenAsync(hub.HttpPort);
        EcgFrameWriter.WriteHello(wire, source.Hello);

        await device.SendAsync(wire);

        var (type, payload) = await device.NextFrameAsync();
        Assert.Equal(EcgFrameType.Error, type);
        Assert.Equal(EcgStreamErrorCode.Unauthorized, EcgFrameReader.ReadError(payload).Code);
        await device.AnswerCloseAsync();
        Assert.False(Directory.Exists(EcgSegment.DirectoryOf(SegmentRoot, source.Hello.RecordingId)),
            "a refused device's recording must not be created");
    }

    [Fact]
    public async Task A_plain_http_get_is_a_400_problem()
    {
        using var http = new HttpClient { Timeout = ReplyTimeout };

        using HttpResponseMessage response = await http.GetAsync(new Uri($"http://127.0.0.1:{hub.HttpPort}/ecg-stream"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("WebSocket", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private string SegmentRoot => Path.Combine(data, "ecg-streams");

    private async Task<string> CartTokenAsync()
    {
        Match match = CartToken().Match(await File.ReadAllTextAsync(Path.Combine(data, "demo-credentials.txt")));
        Assert.True(match.Success, "demo-credentials.txt names no token for " + CartId);
        return match.Groups[1].Value;
    }

    private static EcgStreamSource Source(string token)
    {
        var record = WfdbRecordReader.Read(Path.Combine(Repository, "..", "shared", "ecg", "mitdb", "100"));
        return EcgStreamSource.FromRecording(record, Guid.NewGuid(), CartId, token,
            new DateTime(2026, 11, 26, 9, 0, 0, DateTimeKind.Utc), "DEMO-0003", Blocks * BlockFrames);
    }

    /// <summary>The samples in the hub's segment, read from a copy so the test never touches the hub's data.</summary>
    private short[] SegmentSamples(EcgStreamSource source)
    {
        string copyRoot = Path.Combine(data, "segment-copy");
        string from = EcgSegment.DirectoryOf(SegmentRoot, source.Hello.RecordingId);
        string to = EcgSegment.DirectoryOf(copyRoot, source.Hello.RecordingId);
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        using var segment = EcgSegment.OpenOrCreate(copyRoot, source.Hello, new EcgDevice(CartId, CartInstitution));
        Assert.NotNull(segment.Finish);
        var samples = new List<short>();
        segment.ReadBlocks((_, block) => samples.AddRange(block));
        return [.. samples];
    }

    [GeneratedRegex(@"cart-dongcun-1\s+token:\s+(\S+)")]
    private static partial Regex CartToken();

    private static string Repository => RepositoryPaths.Root;

    /// <summary>A device on the route: frames out as binary messages, received messages cut into frames (a frame may span messages).</summary>
    private sealed class DeviceConnection : IAsyncDisposable
    {
        private readonly ClientWebSocket socket = new();
        private readonly List<byte> pending = [];

        public static async Task<DeviceConnection> OpenAsync(int httpPort)
        {
            var connection = new DeviceConnection();
            using var timeout = new CancellationTokenSource(ReplyTimeout);
            await connection.socket.ConnectAsync(new Uri($"ws://127.0.0.1:{httpPort}/ecg-stream"), timeout.Token);
            return connection;
        }

        /// <summary>Sends what <paramref name="wire"/> holds as one message and empties it.</summary>
        public async Task SendAsync(ArrayBufferWriter<byte> wire)
        {
            using var timeout = new CancellationTokenSource(ReplyTimeout);
            await socket.SendAsync(wire.WrittenMemory, WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);
            wire.ResetWrittenCount();
        }

        public async Task<(EcgFrameType Type, ReadOnlySequence<byte> Payload)> NextFrameAsync()
        {
            using var timeout = new CancellationTokenSource(ReplyTimeout);
            byte[] buffer = new byte[8192];
            while (true)
            {
                var sequence = new ReadOnlySequence<byte>(pending.ToArray());
                if (EcgFrameReader.TryReadFrame(ref sequence, out EcgFrameType type, out ReadOnlySequence<byte> payload))
                {
                    pending.RemoveRange(0, pending.Count - (int)sequence.Length);
                    return (type, new ReadOnlySequence<byte>(payload.ToArray()));
                }

                WebSocketReceiveResult received = await socket.ReceiveAsync(buffer, timeout.Token);
                Assert.True(received.MessageType != WebSocketMessageType.Close, "the hub closed the WebSocket before the expected frame");
                pending.AddRange(buffer.AsSpan(0, received.Count));
            }
        }

        /// <summary>The next frame that is not an ACK (the server acknowledges what it holds before it answers BYE).</summary>
        public async Task<(EcgFrameType Type, ReadOnlySequence<byte> Payload)> NextFrameAfterAcksAsync()
        {
            while (true)
            {
                var frame = await NextFrameAsync();
                if (frame.Type != EcgFrameType.Ack)
                {
                    return frame;
                }
            }
        }

        /// <summary>After its last frame the hub sends Close; answering it completes the handshake (RFC 6455 §7.1.2).</summary>
        public async Task AnswerCloseAsync()
        {
            using var timeout = new CancellationTokenSource(ReplyTimeout);
            WebSocketReceiveResult received = await socket.ReceiveAsync(new byte[64], timeout.Token);
            Assert.Equal(WebSocketMessageType.Close, received.MessageType);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, received.CloseStatus);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            Assert.Equal(WebSocketState.Closed, socket.State);
        }

        public ValueTask DisposeAsync()
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
