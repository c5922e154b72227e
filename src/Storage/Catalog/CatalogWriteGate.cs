using System.Collections.Concurrent;

namespace Telemed.Storage.Catalog;

/// <summary>
/// One writer at a time per SQLite catalog file, within this process. SQLite admits a single writer anyway; a second
/// one would wait inside sqlite3_step (busy_timeout), blocking a thread-pool thread and polling in sleeps of up to
/// 100 ms, while the C-STORE response it backs waits. Queuing here instead is asynchronous and hands over at once.
/// PostgreSQL has row locks and needs no gate.
/// </summary>
public static class CatalogWriteGate
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>Waits for the database's write turn; dispose the lease right after the write's commit.</summary>
    public static async ValueTask<CatalogWriteLease> EnterAsync(CatalogDbContext catalog, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (catalog is not SqliteCatalogDbContext sqlite)
        {
            return default;
        }

        return await EnterAsync(sqlite.DataSource, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The write turn of one SQLite file by its full path (what <see cref="SqliteGroupCommit"/> holds per batch).</summary>
    internal static async ValueTask<CatalogWriteLease> EnterAsync(string dataSource, CancellationToken cancellationToken = default)
    {
        SemaphoreSlim gate = Gates.GetOrAdd(dataSource, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new CatalogWriteLease(gate);
    }
}

/// <summary>A write turn from <see cref="CatalogWriteGate"/>; the default lease holds nothing.</summary>
public readonly struct CatalogWriteLease(SemaphoreSlim? gate) : IDisposable
{
    public void Dispose() => gate?.Release();
}
