using Telemed.Storage.Catalog;

namespace Telemed.Storage.Orleans;

/// <summary>Finds out once whether the catalog is a SQLite file with a group-commit writer (PostgreSQL writes directly).</summary>
internal sealed class CatalogWriter(Func<CatalogDbContext> openCatalog)
{
    private readonly Lazy<SqliteGroupCommit?> groupCommit = new(() =>
    {
        using CatalogDbContext catalog = openCatalog();
        return SqliteGroupCommit.For(catalog);
    });

    public SqliteGroupCommit? GroupCommit => groupCommit.Value;
}

/// <summary>
/// A statement to run in the same group-commit write as the next grain-state write of this async flow (how a case's
/// index entry commits atomically with its state on SQLite). Set by <see cref="Cases.CatalogCaseIndex"/>, taken by
/// <see cref="GrainState.CatalogGrainStorage"/>, which runs it only if the state write itself succeeded.
/// </summary>
internal sealed class StateCompanion(Action<SqliteBatch> write)
{
    private static readonly AsyncLocal<StateCompanion?> Current = new();

    public Action<SqliteBatch> Write { get; } = write;

    /// <summary>True once a grain-state write took it into its transaction.</summary>
    public bool Taken { get; private set; }

    public static IDisposable Attach(StateCompanion companion)
    {
        Current.Value = companion;
        return new Detach();
    }

    /// <summary>The companion waiting in this flow, if any; marks it taken.</summary>
    public static StateCompanion? Take()
    {
        StateCompanion? companion = Current.Value;
        if (companion is null || companion.Taken)
        {
            return null;
        }

        companion.Taken = true;
        return companion;
    }

    private sealed class Detach : IDisposable
    {
        public void Dispose() => Current.Value = null;
    }
}
