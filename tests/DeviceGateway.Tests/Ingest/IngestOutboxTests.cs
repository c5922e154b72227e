using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Telemed.DeviceGateway.Ingest;
using Telemed.DeviceGateway.Tests.Support;
using Telemed.Dicom.Files;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.DeviceGateway.Tests.Ingest;

/// <summary>
/// The transactional outbox between a device's acknowledgement and the case workflow: whatever the sink does, every
/// acknowledged object's "ingested" event is durable, and is delivered once the sink takes it.
/// </summary>
public sealed class IngestOutboxTests
{
    private static readonly string[] Files =
    [
        GatewayTestData.Sample("cr-chest-pa-gb18030.dcm"),
        GatewayTestData.Sample("dx-chest-pa-utf8.dcm"),
        GatewayTestData.Sample("ecg-inferior-stemi-utf8.dcm"),
        GatewayTestData.Sample("ecg-normal-sinus-gb18030.dcm"),
    ];

    /// <summary>No retry of its own gets in the way while the test looks at what the first attempts left.</summary>
    private static readonly IngestDispatchOptions NoRetry = new() { RetryDelay = TimeSpan.FromHours(1), MaxRetryDelay = TimeSpan.FromHours(1) };

    private static readonly IngestDispatchOptions QuickRetry = new() { RetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromMilliseconds(200) };

    private static string SopInstanceOf(string file) => DicomFile.Open(file).Dataset.GetUid(GatewayTestData.Tag("SOPInstanceUID"));

    private static async Task<ToolProcess.Result> StoreAsync(DicomGatewayHarness harness, params string[] files) =>
        await ToolProcess.RunAsync("storescu", ["-aec", "TELEMED", "127.0.0.1", harness.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. files]);

    private static async Task<List<PendingIngestEvent>> OutboxAsync(DicomGatewayHarness harness)
    {
        await using SqliteCatalogDbContext context = harness.OpenCatalog();
        return await context.IngestOutbox.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    [Fact]
    public async Task Instances_acknowledged_while_the_case_workflow_is_down_stay_queued_and_a_new_gateway_delivers_each_once()
    {
        ScriptedSink down = ScriptedSink.Down();
        await using DicomGatewayHarness harness = await DicomGatewayHarness.StartAsync(down, NoRetry);

        ToolProcess.Result first = await StoreAsync(harness, Files);
        ToolProcess.Result again = await StoreAsync(harness, Files);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(again.ExitCode == 0, again.ToString());
        List<StoredInstance> rows;
        await using (SqliteCatalogDbContext context = harness.OpenCatalog())
        {
            rows = await context.Instances.AsNoTracking().ToListAsync();
        }

        Assert.Equal(Files.Length, rows.Count);
        // One event per stored object, each tried once right after its commit; the identical resend queued nothing.
        List<PendingIngestEvent> queued = await OutboxAsync(harness);
        Assert.Equal(Files.Length, queued.Count);
        Assert.All(queued, e => Assert.Equal((1, (DateTime?)null), (e.Attempts, e.ParkedAtUtc)));
        Assert.All(queued, e => Assert.Contains("not reachable", e.LastError, StringComparison.Ordinal));
        Assert.Equal(Files.Length, down.Refused.Count);
        Assert.Empty(down.Published);

        var up = new ScriptedSink(_ => null);
        await harness.RestartAsync(up);
        await Poll.UntilAsync(() => OutboxAsync(harness), q => q.Count == 0, "the outbox to empty");

        Assert.Equal(Files.Select(SopInstanceOf).Order(), up.Published.Select(o => o.SopInstanceUid!).Order());
        foreach (IngestedObject delivered in up.Published)
        {
            StoredInstance row = Assert.Single(rows, r => r.SopInstanceUid == delivered.SopInstanceUid);
            Assert.Equal((IngestedKind.DicomInstance, row.BlobHash, row.ReceivedAtUtc, "township-a", "storescu", row.StudyInstanceUid),
                (delivered.Kind, delivered.BlobHash, delivered.ReceivedAtUtc, delivered.InstitutionId, delivered.DeviceId, delivered.StudyInstanceUid));
        }

        Assert.Contains(up.Published, o => o.EcgFlags.Contains("StElevation"));
    }

    [Fact]
    public async Task A_failed_first_attempt_is_retried_by_the_running_gateway_until_the_sink_takes_it()
    {
        int failures = 0;
        var flaky = new ScriptedSink(_ => Interlocked.Increment(ref failures) <= 6 ? new TimeoutException("grain call timed out") : null);
        await using DicomGatewayHarness harness = await DicomGatewayHarness.StartAsync(flaky, QuickRetry);

        ToolProcess.Result store = await StoreAsync(harness, Files);

        Assert.True(store.ExitCode == 0, store.ToString());
        await Poll.UntilAsync(() => OutboxAsync(harness), q => q.Count == 0, "the outbox to empty");
        Assert.Equal(Files.Select(SopInstanceOf).Order(), flaky.Published.Select(o => o.SopInstanceUid!).Order());
        Assert.Equal(6, flaky.Refused.Count);
    }

    [Fact]
    public async Task An_event_the_sink_refuses_is_parked_with_its_error_without_holding_up_the_others_and_can_be_unparked()
    {
        string poisoned = SopInstanceOf(Files[2]);
        bool refusing = true;
        var sink = new ScriptedSink(o => refusing && o.SopInstanceUid == poisoned
            ? new ArgumentException("ingested object has no institution: no community to route it in") : null);
        await using DicomGatewayHarness harness = await DicomGatewayHarness.StartAsync(sink, QuickRetry);

        ToolProcess.Result store = await StoreAsync(harness, Files);

        Assert.True(store.ExitCode == 0, store.ToString());
        List<PendingIngestEvent> left = await Poll.UntilAsync(() => OutboxAsync(harness),
            q => q.Count == 1 && q[0].ParkedAtUtc is not null, "the refused event to be parked and the others delivered");
        PendingIngestEvent parked = left[0];
        Assert.Equal(QuickRetry.PoisonAttempts, parked.Attempts);
        Assert.Contains("ArgumentException: ingested object has no institution", parked.LastError, StringComparison.Ordinal);
        Assert.Contains(poisoned, parked.EventKey, StringComparison.Ordinal);
        Assert.Equal(Files.Select(SopInstanceOf).Where(s => s != poisoned).Order(), sink.Published.Select(o => o.SopInstanceUid!).Order());
        Assert.Equal(parked.Id, Assert.Single(await harness.Gateway.Outbox.ParkedAsync()).Id);
        // Parked means left alone: the refusals stop at the limit.
        await Task.Delay(300);
        Assert.Equal(QuickRetry.PoisonAttempts, sink.Refused.Count);

        refusing = false; // e.g. the institution was defined
        await harness.Gateway.Outbox.UnparkAsync(parked.Id);

        await Poll.UntilAsync(() => OutboxAsync(harness), q => q.Count == 0, "the unparked event to be delivered");
        Assert.Equal(poisoned, Assert.Single(sink.Published, o => o.SopInstanceUid == poisoned).SopInstanceUid);
    }

    [Fact]
    public async Task A_finished_ecg_recording_is_queued_before_its_bye_is_answered_and_delivered_once_by_a_later_dispatcher()
    {
        using var temp = new TempDirectory();
        string database = Path.Combine(temp.Path, "catalog.db");
        await using (SqliteCatalogDbContext context = CatalogDatabase.OpenSqlite(database))
        {
            await CatalogDatabase.MigrateAsync(context);
        }

        var outbox = new IngestOutbox(() => CatalogDatabase.OpenSqlite(database));
        ScriptedSink down = ScriptedSink.Down();
        var record = TestData.Record("100");
        var source = GatewayHarness.Source(record, 360 * 10);
        Telemed.DeviceGateway.EcgStreams.Client.EcgStreamResult sent;
        try
        {
            await using (var failing = new IngestEventDispatcher(outbox, down, NullLogger<IngestEventDispatcher>.Instance, NoRetry))
            {
                await using var gateway = new GatewayHarness(sink: failing);
                sent = await gateway.Client().SendAsync(source);
                await gateway.RestartAsync();
                var resent = await gateway.Client().SendAsync(source);

                Assert.Equal(sent.Completion.BlobHash, resent.Completion.BlobHash);
                PendingIngestEvent queued = Assert.Single(await outbox.AllAsync());
                Assert.StartsWith("EcgRecording:", queued.EventKey, StringComparison.Ordinal);
                Assert.Contains(sent.Completion.BlobHash, queued.EventKey, StringComparison.Ordinal);
                Assert.Null(queued.ParkedAtUtc);
                Assert.Empty(down.Published);
            }

            var up = new ScriptedSink(_ => null);
            await using var later = new IngestEventDispatcher(outbox, up, NullLogger<IngestEventDispatcher>.Instance);
            later.Start();
            await Poll.UntilAsync(() => outbox.AllAsync(), q => q.Count == 0, "the outbox to empty");

            IngestedObject delivered = Assert.Single(up.Published);
            Assert.Equal((IngestedKind.EcgRecording, sent.Completion.BlobHash, GatewayHarness.InstitutionId, GatewayHarness.DeviceId),
                (delivered.Kind, delivered.BlobHash, delivered.InstitutionId, delivered.DeviceId));
            Assert.Equal(sent.Completion.Flags, delivered.EcgFlags);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }
}
