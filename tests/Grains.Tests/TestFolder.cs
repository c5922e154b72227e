namespace Telemed.Grains.Tests;

/// <summary>A fresh temp folder holding the test's catalog file; <see cref="Delete"/> after the silo stopped.</summary>
internal sealed class TestFolder
{
    private readonly string path = Path.Combine(Path.GetTempPath(), "telemed-grains-" + Guid.NewGuid().ToString("N"));

    public TestFolder() => Directory.CreateDirectory(path);

    public string DatabasePath => Path.Combine(path, "catalog.db");

    public string BlobsPath => Path.Combine(path, "blobs");

    public void Delete()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS if a failing test still holds the file.
        }
    }
}
