using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Live.Ecg;
using Telemed.ConsultHub.Tests.Api;
using Telemed.DeviceGateway.EcgStreams.Client;
using Telemed.DeviceGateway.Hosting;
using Telemed.Ecg.Evaluation;
using Telemed.Ecg.Signals;
using Telemed.Ecg.Wfdb;
using Xunit;

namespace Telemed.ConsultHub.Tests.Live;

/// <summary>
/// Live ECG in a consult session on the real hub: a device streams MIT-BIH record 100 with the gateway's own stream
/// client over TCP to the hub's ECG listener, and a real SignalR client watching the case (WatchEcg) receives it as
/// "EcgSamples" batches; a browser-like client publishes batches (PublishEcg). The stream is linked to the case the
/// device's institution opened for the patient named in its HELLO.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class LiveEcgTests(ApiHost host)
{
    private static readonly (string, Type)[] Events = [("EcgSamples", typeof(EcgLiveBatch))];

    private static readonly string Record100 = Path.Combine(RepositoryPaths.Root, "..", "shared", "ecg", "mitdb", "100");

    private static readonly DateTime Start = new(2026, 11, 27, 8, 0, 0, DateTimeKind.Utc);

    private Task<LiveClient> WatcherAsync(WorkflowCommunity wf, string userId) => LiveClient.ConnectAsync(host, "/hubs/consult", wf.TokenOf(userId), Events);

    /// <summary>An ECG cart registered at the township over the admin API; its token is shown once, here.</summary>
    private static async Task<(string Id, string Token)> CartAsync(WorkflowCommunity wf)
    {
        using HttpClient admin = wf.ClientAs(wf.Admin);
        string id = wf.Id + "-cart";
        using HttpResponseMessage created = await admin.PostAsJsonAsync("/api/devices", new
        {
            id,
            name = "东村 ECG cart",
            kind = "EcgCart",
            institutionId = wf.Town,
            issueToken = true,
        });
        string body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, body);
        using JsonDocument json = JsonDocument.Parse(body);
        return (id, json.RootElement.GetProperty("token").GetString()!);
    }

    private EcgStreamClient Device(bool realtime = false) => new(new EcgStreamClientOptions
    {
        Host = "127.0.0.1",
        Port = host.Services.GetRequiredService<GatewayService>().EcgStreamEndPoint!.Port,
        FramesPerBlock = 36, // a tenth of a second at 360 Hz, as a monitor sends
        Realtime = realtime,
        ResponseTimeout = LiveClient.Timeout,
    });

    /// <summary>µV as the hub computes them from what the device declared: (adu − baseline) × 1000 / gain.</summary>
    private static int[][] Microvolts(EcgStreamSource source)
    {
        int leads = source.Hello.Leads.Count;
        ReadOnlySpan<short> interleaved = source.Interleaved.Span;
        var expected = new int[leads][];
        for (int l = 0; l < leads; l++)
        {
            var lead = source.Hello.Leads[l];
            expected[l] = new int[source.SamplesPerLead];
            for (int t = 0; t < expected[l].Length; t++)
            {
                expected[l][t] = (int)Math.Round((interleaved[(t * leads) + l] - lead.Baseline) * 1000 / lead.AduPerMillivolt, MidpointRounding.AwayFromZero);
            }
        }

        return expected;
    }

    private static long Frames(IEnumerable<EcgLiveBatch> batches) => batches.Sum(b => (long)b.Samples[0].Length);

    [Fact]
    public async Task A_device_stream_reaches_the_watching_reader_in_order_sample_for_sample_with_beats_and_heart_rate()
    {
        (WorkflowCommunity wf, Guid caseId) = await ConsultSessionHubTests.AssignedCaseAsync(host);
        (string cart, string token) = await CartAsync(wf);
        await using LiveClient reader = await WatcherAsync(wf, wf.Cardiologist);
        await reader.Connection.InvokeAsync("WatchEcg", caseId);

        const int seconds = 60;
        EcgRecording record = WfdbRecordReader.Read(Record100);
        var source = EcgStreamSource.FromRecording(record, Guid.NewGuid(), cart, token, Start, "PAT-CONSULT-" + wf.Id, seconds * 360);
        // In real time, as a monitor sends: a burst faster than that may (by design) drop the oldest queued batches.
        EcgStreamResult result = await Device(realtime: true).SendAsync(source);
        Assert.Equal(source.SamplesPerLead, result.SamplesPerLead);

        // The batches are pushed in order on one connection: wait for the last sample. Samples before the stream found
        // its case are not shown (the case lookup may take a while on a loaded machine), so the view starts at the first
        // batch, and from there on nothing is missing.
        await LiveClient.EventuallyAsync(() => Task.FromResult(reader.All<EcgLiveBatch>("EcgSamples").Any(b => b.FirstSample + b.Samples[0].Length >= source.SamplesPerLead)),
            $"the last of the stream's {source.SamplesPerLead} samples at the reader");
        IReadOnlyList<EcgLiveBatch> batches = reader.All<EcgLiveBatch>("EcgSamples");
        Assert.All(batches, b =>
        {
            Assert.Equal(caseId, b.CaseId);
            Assert.Equal(source.Hello.RecordingId.ToString("N"), b.StreamId);
            Assert.Equal(360, b.SamplingRate);
            Assert.Equal(["MLII", "V5"], b.Leads);
            Assert.Equal(2, b.Samples.Length);
            Assert.Equal(b.Samples[0].Length, b.Samples[1].Length);
        });
        Assert.Equal(Enumerable.Range(1, batches.Count).Select(i => (long)i), batches.Select(b => b.Sequence));
        long shownFrom = batches[0].FirstSample;
        Assert.InRange(shownFrom, 0, 10 * 360);
        long next = shownFrom;
        foreach (EcgLiveBatch batch in batches)
        {
            Assert.Equal(next, batch.FirstSample);
            next += batch.Samples[0].Length;
        }

        Assert.Equal(source.SamplesPerLead, next);

        // Batched, not one push per device block of 36 samples, nor one per stream: at most 40 ms of signal each.
        Assert.All(batches, b => Assert.InRange(b.Samples[0].Length, 0, 36 + 14));
        int[][] expected = Microvolts(source);
        for (int l = 0; l < 2; l++)
        {
            Assert.Equal(expected[l].Skip((int)shownFrom), batches.SelectMany(b => b.Samples[l]));
        }

        // Beats from the streaming detector, each once, match the cardiologists' reference annotations of record 100.
        IReadOnlyList<Annotation> reference = [.. WfdbAnnotationReader.Read(Record100 + ".atr")
            .Where(a => a.Sample >= shownFrom + 36 && a.Sample < source.SamplesPerLead - 36)];
        await LiveClient.EventuallyAsync(() => Task.FromResult(reader.All<EcgLiveBatch>("EcgSamples").SelectMany(b => b.Beats).Count()
            >= reference.Count(a => a.IsBeat)), "the beats confirmed at BYE");
        List<EcgLiveBeat> beats = [.. reader.All<EcgLiveBatch>("EcgSamples").SelectMany(b => b.Beats)];
        Assert.Equal(beats.Select(b => b.Sample).Order(), beats.Select(b => b.Sample));
        Assert.Equal(beats.Count, beats.Select(b => b.Sample).Distinct().Count());
        Assert.All(beats, b => Assert.Equal(EcgLiveBeat.Unclassified, b.Label));
        BeatMatchResult match = BeatMatcher.Compare("100", reference, [.. beats.Select(b => b.Sample).Where(b => b >= shownFrom + 36)], 360, learningPeriodSeconds: 0);
        Assert.True(match.Sensitivity >= 0.98 && match.PositivePredictivity >= 0.98,
            $"live beats against 100.atr: TP {match.TruePositives}, FN {match.FalseNegatives}, FP {match.FalsePositives}");

        // The heart rate is the reference's own rate over the last beats, give or take a few beats per minute.
        List<long> referenceBeats = [.. reference.Where(a => a.IsBeat).Select(a => a.Sample)];
        double referenceRate = 60.0 * 360 * 8 / (referenceBeats[^1] - referenceBeats[^9]);
        double rate = batches.Last(b => b.HeartRate is not null).HeartRate!.Value;
        Assert.InRange(rate, referenceRate - 5, referenceRate + 5);
    }

    [Fact]
    public async Task Only_those_who_may_join_the_consult_may_watch_or_publish_its_ecg()
    {
        (WorkflowCommunity wf, Guid caseId) = await ConsultSessionHubTests.AssignedCaseAsync(host);
        WorkflowCommunity other = await WorkflowCommunity.CreateAsync(host);
        await using LiveClient staff = await WatcherAsync(wf, wf.TownStaff);
        await using LiveClient reader = await WatcherAsync(wf, wf.Cardiologist);
        await using LiveClient village = await WatcherAsync(wf, wf.VillageDoctor);
        await using LiveClient auditor = await WatcherAsync(wf, wf.Auditor);
        await using LiveClient colleague = await WatcherAsync(wf, wf.OffDutyCardiologist);
        await using LiveClient outsider = await LiveClient.ConnectAsync(host, "/hubs/consult", other.TokenOf(other.Cardiologist), Events);

        await staff.Connection.InvokeAsync("WatchEcg", caseId);
        await reader.Connection.InvokeAsync("WatchEcg", caseId);
        foreach (LiveClient refused in new[] { village, auditor, colleague, outsider })
        {
            HubException watch = await Assert.ThrowsAsync<HubException>(() => refused.Connection.InvokeAsync("WatchEcg", caseId));
            Assert.Contains("may not join the consult", watch.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<HubException>(() => refused.Connection.InvokeAsync("PublishEcg", caseId, Batch(caseId, "intruder", 1, 0)));
        }

        HubException unknown = await Assert.ThrowsAsync<HubException>(() => staff.Connection.InvokeAsync("WatchEcg", Guid.NewGuid()));
        Assert.Contains("no case", unknown.Message, StringComparison.Ordinal);

        // What the refused sent reached nobody; the staff's own batch reaches the reader.
        await staff.Connection.InvokeAsync("PublishEcg", caseId, Batch(caseId, "browser-1", 1, 0));
        EcgLiveBatch got = await reader.WaitForAsync<EcgLiveBatch>("EcgSamples", b => b.StreamId == "browser-1");
        Assert.DoesNotContain(reader.All<EcgLiveBatch>("EcgSamples"), b => b.StreamId == "intruder");
        Assert.Equal(1, got.Sequence);

        // Watching is a patient-data read and is audited, refusals too.
        using HttpClient auditorApi = wf.ClientAs(wf.Auditor);
        JsonElement watched = Assert.Single(await AuditAsync(auditorApi, $"user={wf.Cardiologist}"), e => e.GetProperty("action").GetString() == "consult.ecg.watch");
        Assert.Equal($"consult/{caseId}", watched.GetProperty("resource").GetString());
        Assert.Equal("PAT-CONSULT-" + wf.Id, watched.GetProperty("patientId").GetString());
        Assert.Equal("ok", watched.GetProperty("outcome").GetString());
        Assert.Contains(await AuditAsync(auditorApi, $"user={wf.VillageDoctor}"),
            e => e.GetProperty("action").GetString() == "consult.ecg.watch" && e.GetProperty("outcome").GetString() == "denied");
        Assert.Contains(await AuditAsync(auditorApi, $"user={wf.TownStaff}"),
            e => e.GetProperty("action").GetString() == "consult.ecg.publish" && e.GetProperty("outcome").GetString() == "ok");
    }

    private static async Task<JsonElement[]> AuditAsync(HttpClient auditor, string query)
    {
        using HttpResponseMessage response = await auditor.GetAsync("/api/audit?" + query);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement root = body.RootElement.ValueKind == JsonValueKind.Array ? body.RootElement : body.RootElement.GetProperty("entries");
        return [.. root.EnumerateArray().Select(e => e.Clone())];
    }

    [Fact]
    public async Task A_browser_attached_device_reaches_every_other_watcher_and_a_malformed_batch_is_refused()
    {
        (WorkflowCommunity wf, Guid caseId) = await ConsultSessionHubTests.AssignedCaseAsync(host);
        await using LiveClient browser = await WatcherAsync(wf, wf.TownStaff);
        await using LiveClient reader = await WatcherAsync(wf, wf.Cardiologist);
        await using LiveClient admin = await WatcherAsync(wf, wf.Admin);
        await browser.Connection.InvokeAsync("WatchEcg", caseId);
        await reader.Connection.InvokeAsync("WatchEcg", caseId);
        await admin.Connection.InvokeAsync("WatchEcg", caseId);

        var sent = new List<EcgLiveBatch>();
        for (int i = 1; i <= 20; i++)
        {
            // The caseId inside the batch is the hub's to set: a browser cannot push into another case by naming it.
            EcgLiveBatch batch = Batch(Guid.NewGuid(), "usb-ecg", i, (i - 1) * 20);
            sent.Add(batch with { CaseId = caseId });
            await browser.Connection.InvokeAsync("PublishEcg", caseId, batch);
        }

        foreach (LiveClient watcher in new[] { reader, admin })
        {
            await watcher.WaitForAsync<EcgLiveBatch>("EcgSamples", b => b.Sequence == 20);
            IReadOnlyList<EcgLiveBatch> got = watcher.All<EcgLiveBatch>("EcgSamples");
            Assert.Equal(sent.Select(b => b.Sequence), got.Select(b => b.Sequence));
            for (int i = 0; i < sent.Count; i++)
            {
                Assert.Equal(sent[i].Samples, got[i].Samples);
                Assert.Equal(sent[i].Beats, got[i].Beats);
                Assert.Equal(caseId, got[i].CaseId);
                Assert.Equal(sent[i].HeartRate, got[i].HeartRate);
            }
        }

        Assert.Empty(browser.All<EcgLiveBatch>("EcgSamples"));

        // UnwatchEcg stops the pushes to that connection only.
        await admin.Connection.InvokeAsync("UnwatchEcg", caseId);
        await browser.Connection.InvokeAsync("PublishEcg", caseId, Batch(caseId, "usb-ecg", 21, 400));
        await reader.WaitForAsync<EcgLiveBatch>("EcgSamples", b => b.Sequence == 21);
        await browser.Connection.InvokeAsync("PublishEcg", caseId, Batch(caseId, "usb-ecg", 22, 420));
        await reader.WaitForAsync<EcgLiveBatch>("EcgSamples", b => b.Sequence == 22);
        Assert.DoesNotContain(admin.All<EcgLiveBatch>("EcgSamples"), b => b.Sequence > 20);
        EcgLiveBatch ragged = Batch(caseId, "usb-ecg", 23, 440) with { Samples = [[1, 2, 3], [1, 2]] };
        HubException invalid = await Assert.ThrowsAsync<HubException>(() => browser.Connection.InvokeAsync("PublishEcg", caseId, ragged));
        Assert.Contains("invalid ECG batch", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_browser_device_that_sends_only_samples_gets_beats_and_heart_rate_from_the_hubs_streaming_detector()
    {
        (WorkflowCommunity wf, Guid caseId) = await ConsultSessionHubTests.AssignedCaseAsync(host);
        await using LiveClient browser = await WatcherAsync(wf, wf.TownStaff);
        await using LiveClient reader = await WatcherAsync(wf, wf.Cardiologist);
        await reader.Connection.InvokeAsync("WatchEcg", caseId);

        const int seconds = 30, block = 36;
        EcgRecording record = WfdbRecordReader.Read(Record100);
        int[][] microvolts = Microvolts(EcgStreamSource.FromRecording(record, Guid.NewGuid(), "browser", "-", Start, "", seconds * 360));
        for (int first = 0, sequence = 1; first < microvolts[0].Length; first += block, sequence++)
        {
            int[][] samples = [.. microvolts.Select(lead => lead.AsSpan(first, block).ToArray())];
            await browser.Connection.InvokeAsync("PublishEcg", caseId,
                new EcgLiveBatch(Guid.Empty, "webusb-1", sequence, 360, ["MLII", "V5"], first, samples, [], null));
        }

        int batches = microvolts[0].Length / block;
        await reader.WaitForAsync<EcgLiveBatch>("EcgSamples", b => b.Sequence == batches);
        IReadOnlyList<EcgLiveBatch> got = reader.All<EcgLiveBatch>("EcgSamples");
        Assert.Equal(Enumerable.Range(1, batches).Select(i => (long)i), got.Select(b => b.Sequence));
        Assert.Equal(microvolts[0], got.SelectMany(b => b.Samples[0]));

        // The detector confirms a beat a little after it: the last one or two are still pending at the last batch.
        List<long> beats = [.. got.SelectMany(b => b.Beats).Select(b => b.Sample)];
        IReadOnlyList<Annotation> reference = [.. WfdbAnnotationReader.Read(Record100 + ".atr").Where(a => a.Sample < microvolts[0].Length - 360)];
        BeatMatchResult match = BeatMatcher.Compare("100", reference, beats, 360, learningPeriodSeconds: 0);
        Assert.True(match.Sensitivity >= 0.98 && match.PositivePredictivity >= 0.97,
            $"hub-detected beats of a browser stream against 100.atr: TP {match.TruePositives}, FN {match.FalseNegatives}, FP {match.FalsePositives}");
        List<long> referenceBeats = [.. reference.Where(a => a.IsBeat).Select(a => a.Sample)];
        double referenceRate = 60.0 * 360 * 8 / (referenceBeats[^1] - referenceBeats[^9]);
        Assert.InRange(got[^1].HeartRate!.Value, referenceRate - 5, referenceRate + 5);
    }

    [Fact]
    public async Task A_watcher_that_reconnects_gets_new_batches_and_none_twice()
    {
        (WorkflowCommunity wf, Guid caseId) = await ConsultSessionHubTests.AssignedCaseAsync(host);
        (string cart, string token) = await CartAsync(wf);
        EcgRecording record = WfdbRecordReader.Read(Record100);
        var source = EcgStreamSource.FromRecording(record, Guid.NewGuid(), cart, token, Start, "PAT-CONSULT-" + wf.Id, 12 * 360);
        var seen = new List<EcgLiveBatch>();
        Task<EcgStreamResult> streaming;
        await using (LiveClient first = await WatcherAsync(wf, wf.Cardiologist))
        {
            await first.Connection.InvokeAsync("WatchEcg", caseId);
            streaming = Device(realtime: true).SendAsync(source);
            await first.WaitForAsync<EcgLiveBatch>("EcgSamples", b => b.FirstSample >= 2 * 360);
            await first.Connection.StopAsync();
            seen.AddRange(first.All<EcgLiveBatch>("EcgSamples"));
        }

        await using LiveClient second = await WatcherAsync(wf, wf.Cardiologist);
        await second.Connection.InvokeAsync("WatchEcg", caseId);
        long last = seen[^1].Sequence;
        EcgLiveBatch resumed = await second.WaitForAsync<EcgLiveBatch>("EcgSamples", b => b.Sequence > last);
        await streaming;
        await LiveClient.EventuallyAsync(() => Task.FromResult(second.All<EcgLiveBatch>("EcgSamples").Any(b => b.FirstSample + b.Samples[0].Length >= source.SamplesPerLead)),
            "the end of the stream at the reconnected watcher");

        // The second connection continues past the first: a gap for the time away, no batch twice, still in order.
        IReadOnlyList<EcgLiveBatch> after = second.All<EcgLiveBatch>("EcgSamples");
        seen.AddRange(after);
        List<long> sequences = [.. seen.Select(b => b.Sequence)];
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        Assert.True(after[0].Sequence > last, $"after reconnecting got {after[0].Sequence}, before {last}");
        for (int i = 1; i < after.Count; i++)
        {
            Assert.Equal(after[i - 1].Sequence + 1, after[i].Sequence);
            Assert.Equal(after[i - 1].FirstSample + after[i - 1].Samples[0].Length, after[i].FirstSample);
        }

        int[][] expected = Microvolts(source);
        Assert.Equal(expected[0].AsSpan((int)resumed.FirstSample, resumed.Samples[0].Length).ToArray(), resumed.Samples[0]);
    }

    [Fact]
    public async Task A_stream_started_before_its_case_is_opened_is_shown_once_the_case_exists_and_another_patients_never()
    {
        (WorkflowCommunity wf, Guid otherCase) = await ConsultSessionHubTests.AssignedCaseAsync(host);
        (string cart, string token) = await CartAsync(wf);
        string patient = "PAT-LATE-" + wf.Id;
        EcgRecording record = WfdbRecordReader.Read(Record100);
        var source = EcgStreamSource.FromRecording(record, Guid.NewGuid(), cart, token, Start, patient, 15 * 360);
        await using LiveClient reader = await WatcherAsync(wf, wf.Cardiologist);
        await reader.Connection.InvokeAsync("WatchEcg", otherCase);
        Task<EcgStreamResult> streaming = Device(realtime: true).SendAsync(source);
        var relay = host.Services.GetRequiredService<EcgLiveRelay>();
        await LiveClient.EventuallyAsync(() => Task.FromResult(relay.IsStreaming(source.Hello.RecordingId)), "the stream under way");
        Assert.Null(relay.CaseOf(source.Hello.RecordingId));

        // The township opens the case for the patient on the cart while it records: the stream joins it within seconds.
        using HttpClient staff = wf.ClientAs(wf.TownStaff);
        Guid caseId = await CaseEventsHubTests.OpenCaseAsync(staff, patient, "Stat");
        // The cardiologist may watch once routing has given them the case (it is assigned moments after it opens).
        await LiveClient.EventuallyAsync(async () =>
        {
            try
            {
                await reader.Connection.InvokeAsync("WatchEcg", caseId);
                return true;
            }
            catch (HubException)
            {
                return false;
            }
        }, "the cardiologist allowed to watch the new case");
        EcgLiveBatch first = await reader.WaitForAsync<EcgLiveBatch>("EcgSamples", b => b.CaseId == caseId);
        Assert.Equal(caseId, relay.CaseOf(source.Hello.RecordingId));
        int[][] expected = Microvolts(source);
        Assert.Equal(expected[1].AsSpan((int)first.FirstSample, first.Samples[1].Length).ToArray(), first.Samples[1]);
        await streaming;

        // The watched case of another patient got nothing from this cart.
        Assert.All(reader.All<EcgLiveBatch>("EcgSamples"), b => Assert.Equal(caseId, b.CaseId));
    }

    /// <summary>A browser device's batch: 20 samples per lead of a made-up but distinct signal.</summary>
    private static EcgLiveBatch Batch(Guid caseId, string streamId, long sequence, long firstSample)
    {
        int[][] samples = [.. Enumerable.Range(0, 3).Select(l => Enumerable.Range(0, 20).Select(t => (int)((firstSample + t) * (l + 1) % 2000) - 1000).ToArray())];
        return new EcgLiveBatch(caseId, streamId, sequence, 500, ["I", "II", "III"], firstSample, samples,
            sequence % 5 == 0 ? [new EcgLiveBeat(firstSample + 3, "N")] : [], sequence > 5 ? 72.5 : null);
    }
}
