using System.Buffers.Binary;
using Telemed.DeviceGateway.EcgStreams.Client;
using Telemed.DeviceGateway.EcgStreams.Protocol;
using Telemed.DeviceGateway.Tests.Support;
using Xunit;

namespace Telemed.DeviceGateway.Tests.EcgStreams;

/// <summary>What the server refuses, and that refusing one connection leaves the others alone.</summary>
public sealed class EcgStreamRefusalTests
{
    [Fact]
    public async Task Wrong_token_gets_ERROR_unauthorized_and_the_connection_closed()
    {
        var record = TestData.Record("100");
        await using var gateway = new GatewayHarness();
        var source = GatewayHarness.Source(record, 3600, token: "not-the-token");
        await using var device = await RawDevice.ConnectAsync(gateway.EndPoint);

        await device.SendAsync(w => EcgFrameWriter.WriteHello(w, source.Hello));

        Assert.Equal(EcgStreamErrorCode.Unauthorized, await device.ExpectErrorAndCloseAsync());
        Assert.False(Directory.Exists(gateway.SegmentDirectory(source.Hello.RecordingId)));
    }

    [Fact]
    public async Task Client_with_a_wrong_token_gives_up_at_once_with_the_servers_code()
    {
        var record = TestData.Record("100");
        await using var gateway = new GatewayHarness();
        var source = GatewayHarness.Source(record, 3600, token: "not-the-token");

        var refused = await Assert.ThrowsAsync<EcgStreamRefusedException>(() => gateway.Client(gateway.EndPoint.Port).SendAsync(source));

        Assert.Equal(EcgStreamErrorCode.Unauthorized, refused.Code);
    }

    [Fact]
    public async Task Garbage_and_oversized_frames_are_refused_while_another_stream_keeps_going()
    {
        var record = TestData.Record("100");
        var source = GatewayHarness.Source(record, 3600);
        await using var gateway = new GatewayHarness();
        await using var good = await RawDevice.ConnectAsync(gateway.EndPoint);
        await good.SendAsync(w => EcgFrameWriter.WriteHello(w, source.Hello));
        Assert.Equal(EcgFrameType.HelloAck, (await good.ReadFrameAsync())!.Value.Type);
        var samples = source.Interleaved;
        await good.SendAsync(w => EcgFrameWriter.WriteSamples(w, 1, 0, samples.Span[..(1800 * 2)], 2));

        await using (var http = await RawDevice.ConnectAsync(gateway.EndPoint))
        {
            await http.SendRawAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            Assert.Equal(EcgStreamErrorCode.MalformedFrame, await http.ExpectErrorAndCloseAsync());
        }

        await using (var huge = await RawDevice.ConnectAsync(gateway.EndPoint))
        {
            byte[] header = [EcgStreamLimits.Magic0, EcgStreamLimits.Magic1, EcgStreamLimits.Version, (byte)EcgFrameType.Hello, 0, 0, 0, 0];
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), 10_000_000);
            await huge.SendRawAsync(header);
            Assert.Equal(EcgStreamErrorCode.FrameTooLarge, await huge.ExpectErrorAndCloseAsync());
        }

        await using (var slow = await RawDevice.ConnectAsync(gateway.EndPoint))
        {
            // A sampling rate below the protocol's range: refused before anything is stored.
            var other = GatewayHarness.Source(record, 360);
            await slow.SendAsync(w => EcgFrameWriter.WriteHello(w, other.Hello with { SamplingRateHz = 50 }));
            Assert.Equal(EcgStreamErrorCode.InvalidHello, await slow.ExpectErrorAndCloseAsync());
        }

        await good.SendAsync(w => EcgFrameWriter.WriteSamples(w, 2, 1800, samples.Span[(1800 * 2)..], 2));
        await good.SendAsync(w => EcgFrameWriter.WriteBye(w, 2, 3600));
        (EcgFrameType Type, byte[] Payload)? frame;
        do
        {
            frame = await good.ReadFrameAsync();
        }
        while (frame is { Type: EcgFrameType.Ack });

        Assert.Equal(EcgFrameType.ByeAck, frame?.Type);
        Assert.Equal(source.Interleaved.ToArray(), gateway.SegmentSamples(source));
        Assert.Single(gateway.Sink.Published);
    }

    [Fact]
    public async Task Sequence_gap_gets_ERROR_out_of_sequence_and_nothing_past_the_gap_is_stored()
    {
        var record = TestData.Record("100");
        var source = GatewayHarness.Source(record, 720);
        await using var gateway = new GatewayHarness();
        await using var device = await RawDevice.ConnectAsync(gateway.EndPoint);
        await device.SendAsync(w => EcgFrameWriter.WriteHello(w, source.Hello));
        Assert.Equal(EcgFrameType.HelloAck, (await device.ReadFrameAsync())!.Value.Type);

        await device.SendAsync(w => EcgFrameWriter.WriteSamples(w, 1, 0, source.Interleaved.Span[..720], 2));
        await device.SendAsync(w => EcgFrameWriter.WriteSamples(w, 3, 720, source.Interleaved.Span[720..], 2));

        Assert.Equal(EcgStreamErrorCode.OutOfSequence, await device.ExpectErrorAndCloseAsync());
        Assert.Equal(source.Interleaved.Span[..720].ToArray(), gateway.SegmentSamples(source));
    }

    [Fact]
    public async Task Silent_connection_is_closed_with_ERROR_idle_timeout()
    {
        await using var gateway = new GatewayHarness(o => o with { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        await using var device = await RawDevice.ConnectAsync(gateway.EndPoint);

        Assert.Equal(EcgStreamErrorCode.IdleTimeout, await device.ExpectErrorAndCloseAsync());
    }

    [Fact]
    public async Task Stopping_the_listener_makes_received_samples_durable_and_tells_the_device_to_come_back()
    {
        var record = TestData.Record("100");
        var source = GatewayHarness.Source(record, 720);
        await using var gateway = new GatewayHarness(o => o with { MaxAckDelay = TimeSpan.FromSeconds(10), AckEveryFrames = 1000 });
        await using var device = await RawDevice.ConnectAsync(gateway.EndPoint);
        await device.SendAsync(w => EcgFrameWriter.WriteHello(w, source.Hello));
        Assert.Equal(EcgFrameType.HelloAck, (await device.ReadFrameAsync())!.Value.Type);
        await device.SendAsync(w => EcgFrameWriter.WriteSamples(w, 1, 0, source.Interleaved.Span, 2));
        // Wait until the server has appended the block; its fsync and ACK are held back by the long batch window.
        string samples = Path.Combine(gateway.SegmentDirectory(source.Hello.RecordingId), "samples.seg");
        for (var deadline = DateTime.UtcNow.AddSeconds(10); new FileInfo(samples).Length == 0 && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(10);
        }

        await gateway.RestartAsync();

        Assert.Equal(EcgStreamErrorCode.ShuttingDown, await device.ExpectErrorAndCloseAsync());
        Assert.Equal(source.Interleaved.ToArray(), gateway.SegmentSamples(source));
    }
}
