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
