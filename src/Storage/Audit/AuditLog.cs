using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Telemed.Storage.Catalog;

namespace Telemed.Storage.Audit;

/// <summary>
/// The append-only, hash-chained audit log in the catalog. Appends are serialized so the chain stays one line: in
/// this process by a lock, across processes by the database — SQLite's write transaction (BEGIN IMMEDIATE) or a
/// PostgreSQL transaction-scoped advisory lock — and, should two writers still race, the sequence number's primary
/// key refuses the second, which then retries on the new tail.
/// </summary>
public sealed class AuditLog(Func<CatalogDbContext> openCatalog, TimeProvider? clock = null) : IDisposable
{
    /// <summary>The advisory lock every hub process takes before appending (PostgreSQL); the key is arbitrary, fixed.</summary>
    private const string TakeAppendLock = "SELECT pg_advisory_xact_lock(2115936465)";

    private const int MaxAttempts = 10;

    private readonly SemaphoreSlim appendLock = new(1, 1);
    private readonly TimeProvider clock = clock ?? TimeProvider.System;

    public async Task<AuditEntry> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        IReadOnlyList<AuditEntry> entries = await AppendManyAsync([auditEvent], cancellationToken).ConfigureAwait(false);
        return entries[0];
    }

    /// <summary>Appends the events in order in one transaction (one durable commit for a list view's many patients).</summary>
    public async Task<IReadOnlyList<AuditEntry>> AppendManyAsync(IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvents);
        if (auditEvents.Count == 0)
        {
            return [];
        }

        await appendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    return await TryAppendAsync(auditEvents, cancellationToken).ConfigureAwait(false);
                }
                catch (DbUpdateException) when (attempt < MaxAttempts)
                {
                    // Another process took this sequence number between our read and our insert: chain onto its entry.
                }
            }
        }
        finally
        {
            appendLock.Release();
        }
    }

    public void Dispose() => appendLock.Dispose();

    private async Task<IReadOnlyList<AuditEntry>> TryAppendAsync(IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken)
    {
        await using CatalogDbContext catalog = openCatalog();
        await using IDbContextTransaction transaction = await catalog.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (catalog is PostgresCatalogDbContext)
        {
            await catalog.Database.ExecuteSqlRawAsync(TakeAppendLock, cancellationToken).ConfigureAwait(false);
        }

        var tail = await catalog.AuditEntries.AsNoTracking()
            .OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash })
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        AuditHead? head = await catalog.AuditHead.SingleOrDefaultAsync(h => h.Id == AuditHead.SingletonId, cancellationToken).ConfigureAwait(false);
        // Chain onto the head, not onto whatever row is last: after a cut-off tail the next entry then leaves a gap
        // that verification names, instead of quietly continuing the shortened chain and moving the head over the cut.
        (long sequence, string previousHash) = head is not null && head.Sequence >= (tail?.Sequence ?? 0)
            ? (head.Sequence, head.Hash)
            : (tail?.Sequence ?? 0, tail?.Hash ?? AuditChain.Genesis);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
        var entries = new List<AuditEntry>(auditEvents.Count);
        foreach (AuditEvent auditEvent in auditEvents)
        {
            var entry = new AuditEntry
            {
                Sequence = ++sequence,
                At = at,
                UserId = auditEvent.UserId,
                CommunityId = auditEvent.CommunityId,
                Action = auditEvent.Action,
                Resource = auditEvent.Resource,
                PatientId = auditEvent.PatientId,
                RemoteAddress = auditEvent.RemoteAddress,
                Outcome = auditEvent.Outcome,
                PreviousHash = previousHash,
                Hash = string.Empty,
            };
            entry.Hash = AuditChain.ComputeHash(previousHash, entry);
            previousHash = entry.Hash;
            entries.Add(entry);
        }

        catalog.AuditEntries.AddRange(entries);
        if (head is null)
        {
            catalog.AuditHead.Add(new AuditHead { Sequence = sequence, Hash = previousHash });
        }
        else
        {
            head.Sequence = sequence;
            head.Hash = previousHash;
        }

        await catalog.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return entries;
    }

    /// <summary>One community's entries, newest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using CatalogDbContext catalog = openCatalog();
        IQueryable<AuditEntry> entries = catalog.AuditEntries.AsNoTracking().Where(e => e.CommunityId == query.CommunityId);
        if (query.UserId is not null)
        {
            entries = entries.Where(e => e.UserId == query.UserId);
        }

        if (query.PatientId is not null)
        {
            entries = entries.Where(e => e.PatientId == query.PatientId);
        }

        if (query.From is { } from)
        {
            entries = entries.Where(e => e.At >= from);
        }

        if (query.To is { } to)
        {
            entries = entries.Where(e => e.At < to);
        }

        return await entries.OrderByDescending(e => e.Sequence).Take(Math.Clamp(query.Limit, 1, 10_000))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Walks the whole chain from the first entry: numbers without gaps, each entry naming its predecessor's hash,
    /// each hash matching its content, and the chain ending where <see cref="AuditHead"/> says it does — so a cut-off
    /// tail (the newest rows deleted) is found too. The head is read first and the walk stops at it, so entries appended
    /// while the walk runs are left to the next verification. Reads in pages so a long log does not have to fit in memory.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        const int Page = 1000;
        await using CatalogDbContext catalog = openCatalog();
        AuditHead? head = await ReadHeadAsync(catalog, cancellationToken).ConfigureAwait(false);
        if (head is null)
        {
            bool any = await catalog.AuditEntries.AnyAsync(cancellationToken).ConfigureAwait(false);
            // Entries and head are written in one transaction: entries without a head mean the head was removed,
            // unless the first append committed between the two reads.
            head = any ? await ReadHeadAsync(catalog, cancellationToken).ConfigureAwait(false) : null;
            if (head is null)
            {
                return any ? new AuditVerification(false, 0, 1, "the audit head is missing: the chain's end cannot be checked") : new AuditVerification(true, 0, null, null);
            }
        }

        long last = head.Sequence;
        long expected = 1;
        string previousHash = AuditChain.Genesis;
        while (expected <= last)
        {
            long from = expected;
            List<AuditEntry> page = await catalog.AuditEntries.AsNoTracking()
                .Where(e => e.Sequence >= from && e.Sequence <= last)
                .OrderBy(e => e.Sequence)
                .Take(Page)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                return Broken(expected, expected == last
                    ? $"entry {expected} is missing: the log ends at entry {expected - 1} but its head records entry {last} (the newest entries were deleted)"
                    : $"entries {expected}–{last} are missing: the log ends at entry {expected - 1} but its head records entry {last} (the newest entries were deleted)");
            }

            foreach (AuditEntry entry in page)
            {
                if (entry.Sequence != expected)
                {
                    return Broken(expected, $"entry {expected} is missing (the next entry is {entry.Sequence})");
                }

                if (entry.PreviousHash != previousHash)
                {
                    return Broken(expected, $"entry {expected} does not chain to entry {expected - 1} (moved or replaced)");
                }

                if (AuditChain.ComputeHash(entry.PreviousHash, entry) != entry.Hash)
                {
                    return Broken(expected, $"entry {expected} was altered (its content does not match its hash)");
                }

                previousHash = entry.Hash;
                expected++;
            }
        }

        return previousHash == head.Hash
            ? new AuditVerification(true, last, null, null)
            : Broken(last, $"entry {last} is not the one the head records (the newest entry was replaced)");

        AuditVerification Broken(long sequence, string problem) => new(false, sequence - 1, sequence, problem);
    }

    private static Task<AuditHead?> ReadHeadAsync(CatalogDbContext catalog, CancellationToken cancellationToken) =>
        catalog.AuditHead.AsNoTracking().SingleOrDefaultAsync(h => h.Id == AuditHead.SingletonId, cancellationToken);
}
