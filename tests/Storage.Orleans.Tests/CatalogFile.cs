using Telemed.Storage.Catalog;

namespace Telemed.Storage.Orleans.Tests;

/// <summary>A migrated SQLite catalog in a fresh temp folder, deleted on dispose.</summary>
internal sealed class CatalogFile : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "telemed-storage-orleans-" + Guid.NewGuid().ToString("N"));

    private CatalogFile()
    {
        Directory.CreateDirectory(folder);
        DatabasePath = Path.Combine(folder, "catalog.db");
    }

    public string DatabasePath { get; }

    public static async Task<CatalogFile> CreateAsync()
    {
        var file = new CatalogFile();
        await using CatalogDbContext catalog = file.Open();
        await CatalogDatabase.MigrateAsync(catalog);
        return file;
    }

    public CatalogDbContext Open() => CatalogDatabase.OpenSqlite(DatabasePath);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean if a failing test still holds the file.
        }
    }
}
