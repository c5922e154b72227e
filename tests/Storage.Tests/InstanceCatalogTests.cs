using Microsoft.EntityFrameworkCore;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.Storage.Tests;

public sealed class InstanceCatalogTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly string databasePath;

    public InstanceCatalogTests() => databasePath = Path.Combine(temp.Path, "catalog.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        temp.Dispose();
    }

    private async Task<InstanceCatalog> OpenAsync()
    {
        await using (SqliteCatalogDbContext context = CatalogDatabase.OpenSqlite(databasePath))
        {
            await CatalogDatabase.MigrateAsync(context);
        }

        return new InstanceCatalog(() => CatalogDatabase.OpenSqlite(databasePath));
    }

    [Fact]
    public async Task Migrated_sqlite_catalog_is_in_wal_mode_and_has_the_model()
    {
        await OpenAsync();
        await using SqliteCatalogDbContext context = CatalogDatabase.OpenSqlite(databasePath);
        await context.Database.OpenConnectionAsync();
        using var command = context.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        Assert.Empty(await context.Database.GetPendingMigrationsAsync());
        Assert.Equal(0, await context.Instances.CountAsync());
    }

    [Fact]
    public async Task Same_uid_same_bytes_is_recorded_once()
    {
        InstanceCatalog catalog = await OpenAsync();

        RecordedInstance first = await catalog.RecordAsync(Instance("1.2.3.4", hash: 'a'));
        RecordedInstance again = await catalog.RecordAsync(Instance("1.2.3.4", hash: 'a'));

        Assert.Equal(InstanceOutcome.Added, first.Outcome);
        Assert.Equal(InstanceOutcome.Duplicate, again.Outcome);
        Assert.Equal(first.Instance.Id, again.Instance.Id);
        Assert.Single(await catalog.VersionsAsync("1.2.3.4"));
    }

    [Fact]
    public async Task Same_uid_other_bytes_keeps_both_versions()
    {
        InstanceCatalog catalog = await OpenAsync();

        await catalog.RecordAsync(Instance("1.2.3.5", hash: 'a'));
        RecordedInstance changed = await catalog.RecordAsync(Instance("1.2.3.5", hash: 'b'));
        RecordedInstance resent = await catalog.RecordAsync(Instance("1.2.3.5", hash: 'a'));

        Assert.Equal(InstanceOutcome.NewVersion, changed.Outcome);
        Assert.Equal(2, changed.Instance.Version);
        Assert.Equal(InstanceOutcome.Duplicate, resent.Outcome);
        IReadOnlyList<StoredInstance> versions = await catalog.VersionsAsync("1.2.3.5");
        Assert.Equal(new[] { 1, 2 }, versions.Select(v => v.Version));
        Assert.Equal(new[] { new string('a', 64), new string('b', 64) }, versions.Select(v => v.BlobHash));
    }

    [Fact]
    public async Task Concurrent_resends_of_one_instance_leave_exactly_one_row()
    {
        InstanceCatalog catalog = await OpenAsync();

        RecordedInstance[] results = await Task.WhenAll(Enumerable.Range(0, 12)
            .Select(_ => Task.Run(() => catalog.RecordAsync(Instance("1.2.3.6", hash: 'c')))));

        Assert.Equal(1, results.Count(r => r.Outcome == InstanceOutcome.Added));
        Assert.Single(results.Select(r => r.Instance.Id).Distinct());
        Assert.Single(await catalog.VersionsAsync("1.2.3.6"));
    }

    [Fact]
    public async Task Rows_survive_reopening_the_database_file()
    {
        InstanceCatalog catalog = await OpenAsync();
        StoredInstance original = Instance("1.2.3.7", hash: 'd');
        original.PatientName = "王^五=王^五";
        await catalog.RecordAsync(original);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        InstanceCatalog reopened = await OpenAsync();
        StoredInstance stored = Assert.Single(await reopened.VersionsAsync("1.2.3.7"));

        Assert.Equal("王^五=王^五", stored.PatientName);
        Assert.Equal(original.ReceivedAtUtc, stored.ReceivedAtUtc);
        Assert.Equal("STORESCU", stored.SourceAeTitle);
    }

    private static StoredInstance Instance(string sopInstanceUid, char hash) => new()
    {
        SopInstanceUid = sopInstanceUid,
        SopClassUid = "1.2.840.10008.5.1.4.1.1.1",
        StudyInstanceUid = "1.2.3",
        SeriesInstanceUid = "1.2.3.1",
        TransferSyntaxUid = "1.2.840.10008.1.2.1",
        BlobHash = new string(hash, 64),
        Length = 1234,
        Modality = "CR",
        ReceivedAtUtc = new DateTime(2026, 11, 26, 8, 30, 0, DateTimeKind.Utc),
        SourceAeTitle = "STORESCU",
    };
}
