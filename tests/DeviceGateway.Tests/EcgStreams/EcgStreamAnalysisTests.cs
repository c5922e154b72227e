using System.Buffers;
using Telemed.DeviceGateway.Ingest;
using Telemed.DeviceGateway.Tests.Support;
using Telemed.Dicom.Files;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Analysis;
using Telemed.Ecg.Detection;
using Telemed.Ecg.Signals;
using Telemed.Storage.Blobs;
using Xunit;

namespace Telemed.DeviceGateway.Tests.EcgStreams;

/// <summary>The live analysis and what a finished recording turns into.</summary>
public sealed class EcgStreamAnalysisTests
{
    [Fact]
    public async Task Live_beats_through_reconnects_equal_the_detector_run_offline_on_the_same_samples()
    {
        var record = TestData.Record("119"); // bigeminy: plenty of ectopic beats
        int n = 360 * 300;
        var source = GatewayHarness.Source(record, n);
        await using var gateway = new GatewayHarness();

        await using var proxy = new CuttingProxy(gateway.EndPoint, []);
        proxy.HoldAt(150_000);

        // Drops continue the analysis kept in memory; the restart replays it from the segment: both must be exact.
        var sending = gateway.Client(proxy.Port, framesPerBlock: 90, dropEvery: 97).SendAsync(source);
        await proxy.Held.WaitAsync(TimeSpan.FromSeconds(30));
        await gateway.RestartAsync();
        proxy.Target = gateway.EndPoint;
        proxy.Release();
        await sending.WaitAsync(TimeSpan.FromSeconds(120));
        var offline = QrsDetector.Detect(record.Slice(0, n));

        var observer = gateway.Observer;
        Assert.True(observer.FilteredInOrder);
        Assert.Equal(n, observer.FilteredSamples);
        Assert.True(offline.Count > 300, $"{offline.Count} beats offline");
        Assert.Equal(offline, observer.Beats);

        // Heart rate over the last eight intervals, as the viewer shows it.
        var last = observer.Updates.Last(u => u.NewBeats.Count > 0);
        var b = offline.Where(x => x.Sample <= last.NewBeats[^1].Sample).TakeLast(9).ToArray();
        double expected = 60 * 360.0 * 8 / (b[^1].Sample - b[0].Sample);
        Assert.Equal(expected, last.HeartRateBpm!.Value, 6);
    }

    [Fact]
    public async Task The_live_observer_hears_each_connection_start_its_raw_samples_once_in_order_and_its_end()
    {
        var record = TestData.Record("100");
        int n = 360 * 30;
        var source = GatewayHarness.Source(record, n);
        await using var gateway = new GatewayHarness();

        var result = await gateway.Client(gateway.EndPoint.Port, framesPerBlock: 90, dropEvery: 25).SendAsync(source);

        var observer = gateway.Observer;
        Assert.True(result.Connections > 1, $"{result.Connections} connections");
        // Each connection: started (with the resume point), its samples, dropped; the last one ends finished after BYE.
        Assert.Equal(result.Connections, observer.Started.Count);
        Assert.Equal(["started", "samples", "dropped"], observer.Lifecycle.Take(3));
        Assert.Equal("finished", observer.Lifecycle[^1]);
        Assert.Equal(result.Connections, observer.Lifecycle.Count(s => s is "finished" or "dropped"));
        Assert.Equal(0, observer.Started[0].NextSample);
        Assert.All(observer.Started, s =>
        {
            Assert.Equal(source.Hello.RecordingId, s.RecordingId);
            Assert.Equal(source.Hello.Leads, s.Leads);
            Assert.Equal(source.Hello.PatientId, s.PatientId);
        });
        Assert.Equal(observer.Started.Select(s => s.NextSample).Order(), observer.Started.Select(s => s.NextSample));
        Assert.True(observer.RawInOrder);
        Assert.Equal(source.Interleaved.ToArray(), observer.RawSamples);
    }

    [Fact]
    public async Task Finished_recording_is_ingested_once_with_the_flags_of_the_full_analysis()
    {
        var record = TestData.Record("203"); // atrial fibrillation with runs of VT
        int n = 360 * 60;
        var source = GatewayHarness.Source(record, n);
        await using var gateway = new GatewayHarness();

        var result = await gateway.Client(gateway.EndPoint.Port).SendAsync(source);
        var analysis = EcgAnalyzer.Analyze(record.Slice(0, n));

        // A clean link needs one connection: the ACK batching and idle timers must never break it.
        Assert.Equal(1, result.Connections);
        var ingested = Assert.Single(gateway.Sink.Published);
        string[] expectedFlags = [.. analysis.Flags.Select(f => f.Kind.ToString()).Distinct()];
        Assert.NotEmpty(expectedFlags);
        Assert.Equal(expectedFlags, ingested.EcgFlags);
        Assert.Equal(expectedFlags, result.Completion.Flags);
        Assert.Equal(analysis.Urgency, result.Completion.Urgency);
        Assert.Equal(IngestedKind.EcgRecording, ingested.Kind);
        Assert.Equal(GatewayHarness.DeviceId, ingested.DeviceId);
        Assert.Equal(GatewayHarness.InstitutionId, ingested.InstitutionId);
        Assert.Equal("P-0042", ingested.PatientId);
        Assert.True(gateway.Blobs.Exists(BlobHash.Parse(ingested.BlobHash)));
        // MIT-BIH's MLII has no DICOM lead code: the segment itself is the stored form.
        Assert.Null(ingested.SopClassUid);
    }

    [Fact]
    public async Task Recording_with_standard_leads_is_stored_as_a_DICOM_ECG_holding_the_streamed_samples()
    {
        var mit = TestData.Record("100").Slice(0, 360 * 10);
        var record = new EcgRecording(mit.SamplingRate, [Relabel(mit.Leads[0], LeadId.II), Relabel(mit.Leads[1], LeadId.V5)], "100");
        var source = GatewayHarness.Source(record, record.Length);
        await using var gateway = new GatewayHarness();

        await gateway.Client(gateway.EndPoint.Port).SendAsync(source);

        var ingested = Assert.Single(gateway.Sink.Published);
        Assert.Equal(WaveformSopClasses.TwelveLeadEcg, ingested.SopClassUid);
        byte[] blob;
        await using (var stream = gateway.Blobs.OpenRead(BlobHash.Parse(ingested.BlobHash)))
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            blob = copy.ToArray();
        }

        var stored = EcgWaveformReader.Read(DicomFile.Parse(blob));
        Assert.Equal(record.Length, stored.Length);
        for (int l = 0; l < 2; l++)
        {
            for (int t = 0; t < record.Length; t++)
            {
                Assert.Equal(record.Leads[l][t], stored.Leads[l][t], 6);
            }
        }
    }

    private static EcgLead Relabel(EcgLead lead, LeadId id) => new(id, id.ToString(), lead.Samples, lead.Gain, lead.Baseline, lead.Units);
}
