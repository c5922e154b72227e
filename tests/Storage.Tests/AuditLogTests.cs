using Microsoft.Data.Sqlite;
using Telemed.Storage.Audit;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.Storage.Tests;

public sealed class AuditLogTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly string databasePath;

    public AuditLogTests() => databasePath = Path.Combine(temp.Path, "catalog.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        temp.Dispose();
    }

    private async Task<AuditLog> OpenAsync()
    {
        await using (SqliteCatalogDbContext context = CatalogDatabase.OpenSqlite(databasePath))
        {
            await CatalogDatabase.MigrateAsync(context);
        }

        return new AuditLog(() => CatalogDatabase.OpenSqlite(databasePath));
    }

    private static AuditEvent Event(int i) =>
        new($"user-{i % 3}", i % 2 == 0 ? "county-a" : "county-b", "case.read", $"case/{i}", $"P{i:D4}", "127.0.0.1", "ok");

    /// <summary>Runs SQL on the file the way someone with the file would: with their own connection, triggers dropped.</summary>
    private void Tamper(string sql)
    {
        using var connection = new SqliteConnection(CatalogDatabase.SqliteConnectionString(databasePath));
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "DROP TRIGGER IF EXISTS audit_entries_no_update; DROP TRIGGER IF EXISTS audit_entries_no_delete; "
            + "DROP TRIGGER IF EXISTS audit_head_forward_only; DROP TRIGGER IF EXISTS audit_head_no_delete; " + sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task Appended_entries_chain_and_verify_intact()
    {
        using AuditLog log = await OpenAsync();
        for (int i = 1; i <= 20; i++)
        {
            AuditEntry entry = await log.AppendAsync(Event(i));
            Assert.Equal(i, entry.Sequence);
        }

        AuditVerification result = await log.VerifyAsync();
        Assert.True(result.Intact, result.Problem);
        Assert.Equal(20, result.EntriesChecked);
        Assert.Null(result.FirstBrokenSequence);

        IReadOnlyList<AuditEntry> countyA = await log.QueryAsync(new AuditQuery("county-a"));
        Assert.Equal(10, countyA.Count);
        Assert.All(countyA, e => Assert.Equal("county-a", e.CommunityId));
        Assert.Equal(countyA.Select(e => e.Sequence).OrderByDescending(s => s), countyA.Select(e => e.Sequence));
        IReadOnlyList<AuditEntry> onePatient = await log.QueryAsync(new AuditQuery("county-a", PatientId: "P0004"));
        Assert.Equal(4, Assert.Single(onePatient).Sequence);
    }

    [Fact]
    public async Task The_database_refuses_updates_and_deletes_of_entries()
    {
        using AuditLog log = await OpenAsync();
        await log.AppendAsync(Event(1));
        using var connection = new SqliteConnection(CatalogDatabase.SqliteConnectionString(databasePath));
        connection.Open();
        using SqliteCommand update = connection.CreateCommand();
        update.CommandText = "UPDATE audit_entries SET Outcome = 'denied'";
        Assert.Contains("append-only", Assert.Throws<SqliteException>(() => update.ExecuteNonQuery()).Message);
        using SqliteCommand delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM audit_entries";
        Assert.Contains("append-only", Assert.Throws<SqliteException>(() => delete.ExecuteNonQuery()).Message);
    }

    public static TheoryData<string, string, long> Tampering => new()
    {
        // what was done, the SQL, the first entry verification must name
        { "field edited", "UPDATE audit_entries SET PatientId = 'P9999' WHERE Sequence = 7", 7 },
        { "outcome flipped", "UPDATE audit_entries SET Outcome = 'denied' WHERE Sequence = 12", 12 },
        { "row deleted", "DELETE FROM audit_entries WHERE Sequence = 5", 5 },
        { "rows swapped", "UPDATE audit_entries SET Sequence = -1 WHERE Sequence = 9; UPDATE audit_entries SET Sequence = 9 WHERE Sequence = 10; UPDATE audit_entries SET Sequence = 10 WHERE Sequence = -1", 9 },
        { "hash recomputed without chaining", "UPDATE audit_entries SET Hash = PreviousHash WHERE Sequence = 3", 3 },
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task Verification_names_the_first_tampered_entry(string what, string sql, long firstBroken)
    {
        using AuditLog log = await OpenAsync();
        for (int i = 1; i <= 15; i++)
        {
            await log.AppendAsync(Event(i));
        }

        Assert.True((await log.VerifyAsync()).Intact);
        Tamper(sql);
        AuditVerification result = await log.VerifyAsync();
        Assert.False(result.Intact, what);
        Assert.Equal(firstBroken, result.FirstBrokenSequence);
        Assert.Contains($"entry {firstBroken}", result.Problem, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, long> TailTampering => new()
    {
        // what was done, the SQL, the first entry verification must name
        { "newest entry deleted", "DELETE FROM audit_entries WHERE Sequence = 15", 15 },
        { "newest five deleted", "DELETE FROM audit_entries WHERE Sequence > 10", 11 },
        { "everything deleted", "DELETE FROM audit_entries", 1 },
        { "head deleted with the tail", "DELETE FROM audit_entries WHERE Sequence > 10; DELETE FROM audit_head", 1 },
    };

    [Theory]
    [MemberData(nameof(TailTampering))]
    public async Task A_cut_off_or_replaced_tail_is_found_through_the_head(string what, string sql, long firstBroken)
    {
        using AuditLog log = await OpenAsync();
        for (int i = 1; i <= 15; i++)
        {
            await log.AppendAsync(Event(i));
        }

        Assert.True((await log.VerifyAsync()).Intact);
        Tamper(sql);
        AuditVerification result = await log.VerifyAsync();
        Assert.False(result.Intact, what);
        Assert.Equal(firstBroken, result.FirstBrokenSequence);
        Assert.False(string.IsNullOrEmpty(result.Problem));
    }

    [Fact]
    public async Task The_newest_entry_rewritten_with_a_recomputed_hash_does_not_match_the_head()
    {
        using AuditLog log = await OpenAsync();
        for (int i = 1; i <= 6; i++)
        {
            await log.AppendAsync(Event(i));
        }

        // No later entry names its hash, so only the head can tell.
        AuditEntry six = Assert.Single(await log.QueryAsync(new AuditQuery("county-a")), e => e.Sequence == 6);
        six.Outcome = "denied";
        string forged = AuditChain.ComputeHash(six.PreviousHash, six);
        Tamper($"UPDATE audit_entries SET Outcome = 'denied', Hash = '{forged}' WHERE Sequence = 6");
        AuditVerification result = await log.VerifyAsync();
        Assert.False(result.Intact);
        Assert.Equal(6, result.FirstBrokenSequence);
        Assert.Contains("head", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_cut_the_next_append_chains_to_the_head_so_the_gap_stays_visible()
    {
        using AuditLog log = await OpenAsync();
        for (int i = 1; i <= 8; i++)
        {
            await log.AppendAsync(Event(i));
        }

        Tamper("DELETE FROM audit_entries WHERE Sequence > 5");
        AuditVerification cut = await log.VerifyAsync();
        Assert.Equal(6, cut.FirstBrokenSequence);
        Assert.Contains("entries 6–8 are missing", cut.Problem, StringComparison.Ordinal);

        // The hub keeps writing: the new entry is number 9 and chains to entry 8's hash, not onto the shortened chain.
        AuditEntry next = await log.AppendAsync(Event(9));
        Assert.Equal(9, next.Sequence);
        AuditVerification after = await log.VerifyAsync();
        Assert.False(after.Intact);
        Assert.Equal(6, after.FirstBrokenSequence);
        Assert.Equal("entry 6 is missing (the next entry is 9)", after.Problem);
    }

    [Fact]
    public async Task The_database_refuses_moving_the_head_back_or_deleting_it()
    {
        using AuditLog log = await OpenAsync();
        for (int i = 1; i <= 3; i++)
        {
            await log.AppendAsync(Event(i));
        }

        using var connection = new SqliteConnection(CatalogDatabase.SqliteConnectionString(databasePath));
        connection.Open();
        foreach (string sql in new[] { "UPDATE audit_head SET Sequence = 2", "DELETE FROM audit_head", "INSERT INTO audit_head (Id, Sequence, Hash) VALUES (2, 9, 'x')" })
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = sql;
            Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());
        }

        Assert.True((await log.VerifyAsync()).Intact);
        Assert.Equal(3, (await log.VerifyAsync()).EntriesChecked);
    }

    [Fact]
    public async Task An_edited_row_with_a_recomputed_hash_still_breaks_the_next_link()
    {
        using AuditLog log = await OpenAsync();
        for (int i = 1; i <= 6; i++)
        {
            await log.AppendAsync(Event(i));
        }

        // A careful forger edits entry 4 and recomputes its own hash; entry 5 still names the old one.
        IReadOnlyList<AuditEntry> all = await log.QueryAsync(new AuditQuery("county-a"));
        AuditEntry four = Assert.Single(all, e => e.Sequence == 4);
        four.PatientId = "P9999";
        string forged = AuditChain.ComputeHash(four.PreviousHash, four);
        Tamper($"UPDATE audit_entries SET PatientId = 'P9999', Hash = '{forged}' WHERE Sequence = 4");
        AuditVerification result = await log.VerifyAsync();
        Assert.False(result.Intact);
        Assert.Equal(5, result.FirstBrokenSequence);
    }

    [Fact]
    public async Task Concurrent_appends_from_two_logs_on_one_file_keep_one_linear_chain()
    {
        // Two AuditLog instances stand for two hub processes: only the database serializes them.
        using AuditLog first = await OpenAsync();
        using var second = new AuditLog(() => CatalogDatabase.OpenSqlite(databasePath));
        Task[] writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            AuditLog log = w % 2 == 0 ? first : second;
            for (int i = 0; i < 10; i++)
            {
                await log.AppendAsync(Event((w * 10) + i));
            }
        })).ToArray();
        await Task.WhenAll(writers);

        AuditVerification result = await first.VerifyAsync();
        Assert.True(result.Intact, result.Problem);
        Assert.Equal(80, result.EntriesChecked);
        IReadOnlyList<AuditEntry> a = await first.QueryAsync(new AuditQuery("county-a", Limit: 1000));
        IReadOnlyList<AuditEntry> b = await first.QueryAsync(new AuditQuery("county-b", Limit: 1000));
        Assert.Equal(80, a.Concat(b).Select(e => e.Resource).Distinct().Count());
    }
}
