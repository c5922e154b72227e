using Telemed.DeviceGateway.EcgStreams.Segments;
using Telemed.DeviceGateway.Tests.Support;
using Telemed.DeviceGateway.Ingest;
using Xunit;

namespace Telemed.DeviceGateway.Tests.EcgStreams;

/// <summary>Weak links and restarts: whatever breaks, the durable segment ends up equal to the device's samples.</summary>
public sealed class EcgStreamResumeTests
{
    [Fact]
    public async Task Record_streamed_through_ten_cuts_arrives_without_a_lost_or_duplicated_sample()
    {
        var record = TestData.Record("100");
        var source = GatewayHarness.Source(record, record.Length); // the whole 30-minute record
        await using var gateway = new GatewayHarness();
        var random = new Random(20261126);
        // The first cut falls inside HELLO's header; the others anywhere in the first 400 kB of a connection, so
        // nearly always inside a SAMPLES frame.
        long[] cuts = [5, .. Enumerable.Range(0, 9).Select(_ => (long)random.Next(1, 400_000))];
        await using var proxy = new CuttingProxy(gateway.EndPoint, cuts);

        var client = gateway.Client(proxy.Port);
        var result = await client.SendAsync(source);

        Assert.Equal(10, proxy.CutsMade);
        Assert.True(result.Connections >= 11, $"{result.Connections} connections");
        Assert.Equal(source.Interleaved.ToArray(), gateway.SegmentSamples(source));
        var ingested = Assert.Single(gateway.Sink.Published);
        Assert.Equal(IngestedKind.EcgRecording, ingested.Kind);
        Assert.Equal(result.Completion.BlobHash, ingested.BlobHash);
    }

    [Fact]
    public async Task Server_restart_mid_stream_resumes_where_the_durable_samples_end()
    {
        var record = TestData.Record("101");
        var source = GatewayHarness.Source(record, 360 * 300);
        await using var gateway = new GatewayHarness();
        await using var proxy = new CuttingProxy(gateway.EndPoint, []);
        proxy.HoldAt(200_000);

        var client = gateway.Client(proxy.Port);
        var sending = client.SendAsync(source);
        await proxy.Held.WaitAsync(TimeSpan.FromSeconds(30));
        long before = client.AcknowledgedSamples;
        await gateway.RestartAsync();
        proxy.Target = gateway.EndPoint;
        proxy.Release();
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(120));

        Assert.InRange(before, 1, source.SamplesPerLead - 1);
        Assert.True(result.Connections >= 2, $"{result.Connections} connections");
        Assert.Equal(source.Interleaved.ToArray(), gateway.SegmentSamples(source));
        Assert.Single(gateway.Sink.Published);
    }

    [Fact]
    public async Task Torn_segment_tail_left_by_a_crash_is_cut_off_and_the_stream_resumes_before_it()
    {
        var record = TestData.Record("103");
        var source = GatewayHarness.Source(record, 360 * 120);
        await using var gateway = new GatewayHarness();
        await using var proxy = new CuttingProxy(gateway.EndPoint, []);
        proxy.HoldAt(100_000);

        var client = gateway.Client(proxy.Port);
        var sending = client.SendAsync(source);
        await proxy.Held.WaitAsync(TimeSpan.FromSeconds(30));
        string samples = Path.Combine(gateway.SegmentDirectory(source.Hello.RecordingId), EcgSegment.SamplesFileName);
        long tornAt = 0;
        await gateway.RestartAsync(() =>
        {
            // A crash mid-append: half a block header and some samples that never became a whole block.
            tornAt = new FileInfo(samples).Length;
            using var file = new FileStream(samples, FileMode.Append);
            file.Write([(byte)0x55, 0x01, 0x00, 0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x71, 0x72]);
        });
        proxy.Target = gateway.EndPoint;
        proxy.Release();
        await sending.WaitAsync(TimeSpan.FromSeconds(120));

        Assert.True(tornAt > 0);
        Assert.Equal(source.Interleaved.ToArray(), gateway.SegmentSamples(source));
        Assert.Single(gateway.Sink.Published);
    }

    [Fact]
    public async Task Client_that_drops_its_link_every_few_frames_still_delivers_every_sample_once()
    {
        var record = TestData.Record("105");
        var source = GatewayHarness.Source(record, 360 * 60);
        await using var gateway = new GatewayHarness();

        var client = gateway.Client(gateway.EndPoint.Port, framesPerBlock: 36, dropEvery: 25);
        var result = await client.SendAsync(source);

        Assert.True(result.Connections >= 600 / 25, $"{result.Connections} connections");
        Assert.Equal(source.Interleaved.ToArray(), gateway.SegmentSamples(source));
        Assert.Single(gateway.Sink.Published);
    }

    [Fact]
    public async Task Second_send_of_a_finished_recording_gets_the_same_answer_and_raises_nothing()
    {
        var record = TestData.Record("100");
        var source = GatewayHarness.Source(record, 360 * 20);
        await using var gateway = new GatewayHarness();

        var first = await gateway.Client(gateway.EndPoint.Port).SendAsync(source);
        await gateway.RestartAsync();
        var second = await gateway.Client(gateway.EndPoint.Port).SendAsync(source);

        Assert.Equal(first.Completion.BlobHash, second.Completion.BlobHash);
        Assert.Equal(first.Completion.Flags, second.Completion.Flags);
        Assert.Equal(0, second.FramesSent);
        Assert.Single(gateway.Sink.Published);
    }

    [Fact]
    public async Task Reconnect_while_the_old_connection_is_still_open_takes_the_recording_over()
    {
        var record = TestData.Record("100");
        var source = GatewayHarness.Source(record, 3600);
        await using var gateway = new GatewayHarness();
        // The old link: HELLO and one block, then silence, never closed (a half-open connection on a dead 4G link).
        await using var stale = await RawDevice.ConnectAsync(gateway.EndPoint);
        await stale.SendAsync(w => Telemed.DeviceGateway.EcgStreams.Protocol.EcgFrameWriter.WriteHello(w, source.Hello));
        await stale.ReadFrameAsync();
        await stale.SendAsync(w => Telemed.DeviceGateway.EcgStreams.Protocol.EcgFrameWriter.WriteSamples(w, 1, 0, source.Interleaved.Span[..720], 2));
        var ack = await stale.ReadFrameAsync();
        Assert.Equal(Telemed.DeviceGateway.EcgStreams.Protocol.EcgFrameType.Ack, ack?.Type);

        var result = await gateway.Client().SendAsync(source);

        Assert.Equal(Telemed.DeviceGateway.EcgStreams.Protocol.EcgStreamErrorCode.Superseded, await stale.ExpectErrorAndCloseAsync());
        Assert.Equal(1, result.Connections);
        Assert.Equal(source.Interleaved.ToArray(), gateway.SegmentSamples(source));
        Assert.Single(gateway.Sink.Published);
    }

    [Fact]
    public async Task Realtime_client_sends_no_sample_before_its_time()
    {
        var record = TestData.Record("100");
        var source = GatewayHarness.Source(record, 180); // half a second
        await using var gateway = new GatewayHarness();
        var client = new Telemed.DeviceGateway.EcgStreams.Client.EcgStreamClient(new Telemed.DeviceGateway.EcgStreams.Client.EcgStreamClientOptions
        {
            Host = "127.0.0.1",
            Port = gateway.EndPoint.Port,
            Realtime = true,
        });

        var result = await client.SendAsync(source);

        Assert.True(result.Elapsed >= TimeSpan.FromMilliseconds(480), $"{result.Elapsed.TotalMilliseconds} ms for 500 ms of samples");
        Assert.Equal(5, result.FramesSent); // 0.1 s frames
        Assert.Equal(source.Interleaved.ToArray(), gateway.SegmentSamples(source));
    }
}
