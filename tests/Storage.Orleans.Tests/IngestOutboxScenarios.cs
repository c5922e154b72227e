using Microsoft.EntityFrameworkCore;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.Storage.Orleans.Tests;

/// <summary>The ingest outbox on a migrated catalog; run on SQLite and on PostgreSQL.</summary>
internal static class IngestOutboxScenarios
{
    private static StoredInstance Instance(string sopInstanceUid, char hash) => new()
    {
        SopInstanceUid = sopInstanceUid,
        SopClassUid = "1.2.840.10008.5.1.4.1.1.9.1.1",
        StudyInstanceUid = "1.2.3",
        SeriesInstanceUid = "1.2.3.1",
        TransferSyntaxUid = "1.2.840.10008.1.2.1",
        BlobHash = new string(hash, 64),
        Length = 100,
        ReceivedAtUtc = DateTime.UtcNow,
    };

    private static PendingIngestEvent Event(string key, DateTime? due = null) => new()
    {
        EventKey = key,
        Payload = $$"""{"key":"{{key}}"}""",
        CreatedAtUtc = DateTime.UtcNow,
        NextAttemptAtUtc = due ?? DateTime.UtcNow,
    };

    private static PendingIngestEvent Announce(StoredInstance row) => Event($"DicomInstance:{row.SopInstanceUid}:{row.BlobHash}");

    public static async Task An_instance_and_its_announcement_commit_together_and_a_duplicate_announces_nothing(Func<CatalogDbContext> open)
    {
        var catalog = new InstanceCatalog(open);
        var outbox = new IngestOutbox(open);

        RecordedInstance added = await catalog.RecordAsync(Instance("1.2.3.4", 'a'), Announce);
        RecordedInstance duplicate = await catalog.RecordAsync(Instance("1.2.3.4", 'a'), Announce);
        RecordedInstance changed = await catalog.RecordAsync(Instance("1.2.3.4", 'b'), Announce);

        Assert.Equal((InstanceOutcome.Added, InstanceOutcome.Duplicate, InstanceOutcome.NewVersion), (added.Outcome, duplicate.Outcome, changed.Outcome));
        Assert.Null(duplicate.Announcement);
        IReadOnlyList<PendingIngestEvent> queued = await outbox.AllAsync();
        Assert.Equal([added.Announcement!.Id, changed.Announcement!.Id], queued.Select(e => e.Id));
        Assert.Equal([$"DicomInstance:1.2.3.4:{new string('a', 64)}", $"DicomInstance:1.2.3.4:{new string('b', 64)}"], queued.Select(e => e.EventKey));
    }

    public static async Task An_announcement_that_cannot_be_queued_leaves_no_instance(Func<CatalogDbContext> open)
    {
        var catalog = new InstanceCatalog(open);
        await new IngestOutbox(open).EnqueueAsync(Event("taken"));

        // The outbox insert fails (its key is taken), so the instance row of the same transaction must not be there either.
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => catalog.RecordAsync(Instance("1.2.3.5", 'c'), _ => Event("taken")));

        Assert.Empty(await catalog.VersionsAsync("1.2.3.5"));
    }

    public static async Task Failed_events_wait_parked_ones_are_set_aside_and_delivered_ones_go(Func<CatalogDbContext> open)
    {
        var outbox = new IngestOutbox(open);
        DateTime now = DateTime.UtcNow;
        PendingIngestEvent waiting = await outbox.EnqueueAsync(Event("waiting"));
        PendingIngestEvent refused = await outbox.EnqueueAsync(Event("refused"));
        PendingIngestEvent taken = await outbox.EnqueueAsync(Event("taken"));
        PendingIngestEvent again = await outbox.EnqueueAsync(Event("taken"));

        await outbox.FailedAsync(waiting.Id, "TimeoutException: grain call timed out", now.AddHours(1), park: false);
        await outbox.FailedAsync(refused.Id, "ArgumentException: no institution", now, park: true);
        await outbox.DeliveredAsync(taken.Id);

        Assert.Equal(taken.Id, again.Id);
        Assert.Empty(await outbox.DueAsync(now.AddMinutes(1), 10));
        Assert.Equal([waiting.Id], (await outbox.UnparkedAsync(0, 10)).Select(e => e.Id));
        PendingIngestEvent stillWaiting = Assert.Single(await outbox.DueAsync(now.AddHours(2), 10));
        Assert.Equal((1, "TimeoutException: grain call timed out"), (stillWaiting.Attempts, stillWaiting.LastError));
        Assert.Equal(now.AddHours(1), (await outbox.NextDueAsync())!.Value, TimeSpan.FromMilliseconds(1));
        PendingIngestEvent parked = Assert.Single(await outbox.ParkedAsync());
        Assert.Equal((refused.Id, 1, "ArgumentException: no institution"), (parked.Id, parked.Attempts, parked.LastError));

        await outbox.UnparkAsync(refused.Id);

        Assert.Empty(await outbox.ParkedAsync());
        Assert.Equal([refused.Id], (await outbox.DueAsync(DateTime.UtcNow.AddSeconds(1), 10)).Select(e => e.Id));
        Assert.Equal(2, (await outbox.AllAsync()).Count);
    }
}
