using System.Buffers;
using System.Net;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using Telemed.DeviceGateway.EcgStreams.Authentication;
using Telemed.DeviceGateway.EcgStreams.Client;
using Telemed.DeviceGateway.EcgStreams.Live;
using Telemed.DeviceGateway.EcgStreams.Protocol;
using Telemed.DeviceGateway.EcgStreams.Segments;
using Telemed.DeviceGateway.EcgStreams.Server;
using Telemed.DeviceGateway.Ingest;
using Telemed.Ecg.Filters;
using Telemed.Ecg.Wfdb;
using Telemed.Storage.Blobs;

namespace Telemed.Benchmarks;

/// <summary>
/// The ECG stream server's receive path on MIT-BIH record 100 (30 min, 2 leads, 360 Hz: 1,300,000 samples) sent as
/// 0.1 s SAMPLES frames (36 frames x 2 leads; 18,056 frames). Each step adds one stage: cutting frames off the wire
/// bytes and copying their samples; appending them to the segment file with an fsync every 64 frames (the server's
/// ACK batch); the live filter and QRS detector. The last runs the whole thing over loopback TCP, client to listener,
/// BYE and the final analysis included. Samples/s = 1,300,000 / mean; bytes per frame = Allocated / 18,056.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class EcgStreamBenchmarks
{
    private const int FramesPerBlock = 36;
    private const int AckEveryFrames = 64;
    private static readonly EcgDevice Device = new("bench-cart", "bench-institution");
    private byte[] _wire = [];
    private EcgStreamSource _source = null!;
    private string _root = "";
    private short[] _samples = [];

    [GlobalSetup]
    public void Setup()
    {
        var recording = WfdbRecordReader.Read(ReferenceData.MitdbRecord("100"));
        _source = EcgStreamSource.FromRecording(recording, Guid.NewGuid(), Device.DeviceId, "token", DateTime.UtcNow);
        var wire = new ArrayBufferWriter<byte>();
        int leads = _source.Hello.Leads.Count;
        uint sequence = 0;
        for (long at = 0; at < _source.SamplesPerLead; at += FramesPerBlock)
        {
            int frames = (int)Math.Min(FramesPerBlock, _source.SamplesPerLead - at);
            EcgFrameWriter.WriteSamples(wire, ++sequence, at, _source.Interleaved.Span.Slice((int)(at * leads), frames * leads), leads);
        }

        _wire = wire.WrittenSpan.ToArray();
        _samples = new short[EcgStreamLimits.MaxFramesPerBlock(leads) * leads];
        _root = Path.Combine(Path.GetTempPath(), "telemed-bench-ecg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    [Benchmark(Description = "frames: cut + copy samples")]
    public long Codec() => Receive(segment: null, live: null);

    [Benchmark(Description = "frames + live filter and QRS (no disk)")]
    public long CodecAndLive() => Receive(segment: null, new EcgLiveAnalyzer(Metadata(), EcgFilterSettings.Monitoring, new NullObserver()));

    [Benchmark(Description = "frames + segment append + fsync/64 frames")]
    public long CodecAndSegment()
    {
        using var segment = NewSegment();
        return Receive(segment, live: null);
    }

    [Benchmark(Description = "frames + segment + fsync + live filter and QRS")]
    public long CodecSegmentAndLive()
    {
        using var segment = NewSegment();
        return Receive(segment, new EcgLiveAnalyzer(segment.Metadata, EcgFilterSettings.Monitoring, new NullObserver()));
    }

    [Benchmark(Description = "loopback TCP: client -> listener, BYE + final analysis")]
    public async Task<long> EndToEnd()
    {
        var authenticator = new InMemoryEcgDeviceAuthenticator();
        authenticator.Register(Device.DeviceId, Device.InstitutionId, "token");
        string root = Path.Combine(_root, Guid.NewGuid().ToString("N"));
        var server = new EcgStreamServer(new EcgStreamServerOptions { SegmentRoot = Path.Combine(root, "streams") }, authenticator,
            new BlobStore(Path.Combine(root, "blobs")), new NullSink(), new NullObserver());
        await using var listener = EcgStreamListener.Start(server, new IPEndPoint(IPAddress.Loopback, 0));
        var client = new EcgStreamClient(new EcgStreamClientOptions { Host = "127.0.0.1", Port = listener.LocalEndPoint.Port, FramesPerBlock = FramesPerBlock });
        var result = await client.SendAsync(_source with { Hello = _source.Hello with { RecordingId = Guid.NewGuid() } });
        return result.SamplesPerLead;
    }

    private EcgSegmentMetadata Metadata() => EcgSegmentMetadata.From(_source.Hello, Device);

    private EcgSegment NewSegment() => EcgSegment.OpenOrCreate(_root, _source.Hello with { RecordingId = Guid.NewGuid() }, Device);

    /// <summary>The session's inner loop, without the socket: what each SAMPLES frame costs the server.</summary>
    private long Receive(EcgSegment? segment, EcgLiveAnalyzer? live)
    {
        var buffer = new ReadOnlySequence<byte>(_wire);
        int leads = _source.Hello.Leads.Count;
        long samples = 0;
        int unacked = 0;
        while (EcgFrameReader.TryReadFrame(ref buffer, out _, out var payload))
        {
            var header = EcgFrameReader.ReadSamplesHeader(payload, leads);
            var span = _samples.AsSpan(0, header.FrameCount * leads);
            EcgFrameReader.CopySamples(payload, span);
            segment?.Append(header.Sequence, header.FirstSample, span);
            live?.Process(span, publish: true);
            samples += span.Length;
            if (segment is not null && ++unacked == AckEveryFrames)
            {
                segment.Flush();
                unacked = 0;
            }
        }

        segment?.Flush();
        return samples;
    }

    private sealed class NullObserver : IEcgLiveObserver
    {
        public void OnFilteredSamples(Guid recordingId, long firstSample, int leadCount, ReadOnlySpan<float> interleavedMillivolts)
        {
        }

        public void OnRhythm(EcgLiveRhythm rhythm)
        {
        }
    }

    private sealed class NullSink : IIngestSink
    {
        public ValueTask PublishAsync(IngestedObject ingested, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
