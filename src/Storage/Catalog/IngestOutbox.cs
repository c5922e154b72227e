using Microsoft.EntityFrameworkCore;

namespace Telemed.Storage.Catalog;

/// <summary>
/// The ingest outbox table (<see cref="PendingIngestEvent"/>): rows queued with the objects they announce (see
/// <see cref="InstanceCatalog.RecordAsync(StoredInstance, Func{StoredInstance, PendingIngestEvent}?, CancellationToken)"/>)
/// or on their own, read back by the dispatcher, deleted on delivery, rescheduled or parked on failure.
/// </summary>
public sealed class IngestOutbox(Func<CatalogDbContext> openContext)
{
    /// <summary>
    /// Queues <paramref name="pending"/> durably. If an event with the same key is already queued that row is
    /// returned instead: announcing the same object again (after a crash) leaves one row.
    /// </summary>
    public async Task<PendingIngestEvent> EnqueueAsync(PendingIngestEvent pending, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pending);
        for (int attempt = 1; ; attempt++)
        {
            await using CatalogDbContext context = openContext();
            PendingIngestEvent? queued = await context.IngestOutbox.AsNoTracking()
                .FirstOrDefaultAsync(e => e.EventKey == pending.EventKey, cancellationToken).ConfigureAwait(false);
            if (queued is not null)
            {
                return queued;
            }

            context.IngestOutbox.Add(pending);
            try
            {
                await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return pending;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another writer queued the same key between our read and our insert; read it.
                pending.Id = 0;
            }
        }
    }

    /// <summary>Unparked events whose next attempt is due at <paramref name="nowUtc"/>, oldest first.</summary>
    public async Task<IReadOnlyList<PendingIngestEvent>> DueAsync(DateTime nowUtc, int limit, CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext context = openContext();
        return await context.IngestOutbox.AsNoTracking()
            .Where(e => e.ParkedAtUtc == null && e.NextAttemptAtUtc <= nowUtc)
            .OrderBy(e => e.Id)
            .Take(limit)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every unparked event regardless of backoff, oldest first (what a restart must deliver), from after <paramref name="afterId"/>.</summary>
    public async Task<IReadOnlyList<PendingIngestEvent>> UnparkedAsync(long afterId, int limit, CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext context = openContext();
        return await context.IngestOutbox.AsNoTracking()
            .Where(e => e.ParkedAtUtc == null && e.Id > afterId)
            .OrderBy(e => e.Id)
            .Take(limit)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>When the earliest unparked event is next due, or null when none is waiting.</summary>
    public async Task<DateTime?> NextDueAsync(CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext context = openContext();
        return await context.IngestOutbox.AsNoTracking()
            .Where(e => e.ParkedAtUtc == null)
            .OrderBy(e => e.NextAttemptAtUtc)
            .Select(e => (DateTime?)e.NextAttemptAtUtc)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Events given up on, with their errors, for a person to look at.</summary>
    public async Task<IReadOnlyList<PendingIngestEvent>> ParkedAsync(CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext context = openContext();
        return await context.IngestOutbox.AsNoTracking()
            .Where(e => e.ParkedAtUtc != null)
            .OrderBy(e => e.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every row still in the outbox, parked or not.</summary>
    public async Task<IReadOnlyList<PendingIngestEvent>> AllAsync(CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext context = openContext();
        return await context.IngestOutbox.AsNoTracking().OrderBy(e => e.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The event was handed on: its row goes.</summary>
    public Task DeliveredAsync(long id, CancellationToken cancellationToken = default) => DeliveredAsync([id], cancellationToken);

    /// <summary>These events were handed on: their rows go, in one statement (one commit for a batch).</summary>
    public async Task DeliveredAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return;
        }

        long[] batch = [.. ids];
        await using CatalogDbContext context = openContext();
        await context.IngestOutbox.Where(e => batch.Contains(e.Id)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A delivery failed: the attempt and its error are kept, and the event waits or is parked.</summary>
    public async Task FailedAsync(long id, string error, DateTime nextAttemptAtUtc, bool park, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        string text = error.Length <= 1024 ? error : error[..1024];
        DateTime? parkedAt = park ? DateTime.UtcNow : null;
        await using CatalogDbContext context = openContext();
        await context.IngestOutbox.Where(e => e.Id == id).ExecuteUpdateAsync(set => set
            .SetProperty(e => e.Attempts, e => e.Attempts + 1)
            .SetProperty(e => e.LastError, text)
            .SetProperty(e => e.NextAttemptAtUtc, nextAttemptAtUtc)
            .SetProperty(e => e.ParkedAtUtc, parkedAt), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Puts a parked event back in line (after its cause was fixed, e.g. the institution was defined).</summary>
    public async Task UnparkAsync(long id, CancellationToken cancellationToken = default)
    {
        DateTime now = DateTime.UtcNow;
        await using CatalogDbContext context = openContext();
        await context.IngestOutbox.Where(e => e.Id == id).ExecuteUpdateAsync(set => set
            .SetProperty(e => e.Attempts, 0)
            .SetProperty(e => e.NextAttemptAtUtc, now)
            .SetProperty(e => e.ParkedAtUtc, (DateTime?)null), cancellationToken).ConfigureAwait(false);
    }
}
