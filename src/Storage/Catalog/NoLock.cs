namespace Telemed.Storage.Catalog;

/// <summary>What <see cref="CatalogDatabase.LockAsync"/> returns for a single-process (SQLite) catalog.</summary>
internal sealed class NoLock : IAsyncDisposable
{
    public static readonly NoLock Instance = new();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
