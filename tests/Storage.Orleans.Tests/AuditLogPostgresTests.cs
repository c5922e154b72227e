using Microsoft.EntityFrameworkCore;
using Npgsql;
using Telemed.Storage.Audit;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.Storage.Orleans.Tests;

/// <summary>
/// The audit log on PostgreSQL, the cluster's catalog: several hub processes append at once (here: separate AuditLog
/// instances, each with its own connections, so only the database's advisory lock and the key serialize them).
/// </summary>
public sealed class AuditLogPostgresTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private static AuditEvent Event(int i) => new($"user-{i % 4}", "county-a", "case.read", $"case/{i}", $"P{i:D4}", "10.0.0.1", "ok");

    [PostgresFact]
    public async Task Concurrent_appends_from_four_logs_form_one_intact_chain_and_queries_filter_by_time()
    {
        Func<CatalogDbContext> open = await server.CreateCatalogAsync();
        AuditLog[] logs = Enumerable.Range(0, 4).Select(_ => new AuditLog(open)).ToArray();
        try
        {
            DateTimeOffset before = DateTimeOffset.UtcNow.AddSeconds(-1);
            await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (int i = 0; i < 15; i++)
                {
                    await logs[w % logs.Length].AppendAsync(Event((w * 100) + i));
                }
            })));

            AuditVerification result = await logs[0].VerifyAsync();
            Assert.True(result.Intact, result.Problem);
            Assert.Equal(120, result.EntriesChecked);
            Assert.Equal(120, (await logs[1].QueryAsync(new AuditQuery("county-a", From: before, Limit: 1000))).Count);
            Assert.Empty(await logs[1].QueryAsync(new AuditQuery("county-a", To: before)));
            int byUserOne = Enumerable.Range(0, 8).SelectMany(w => Enumerable.Range(0, 15).Select(i => (w * 100) + i)).Count(v => v % 4 == 1);
            IReadOnlyList<AuditEntry> userOne = await logs[2].QueryAsync(new AuditQuery("county-a", UserId: "user-1", Limit: 1000));
            Assert.Equal(byUserOne, userOne.Count);
            Assert.All(userOne, e => Assert.Equal("user-1", e.UserId));
        }
        finally
        {
            foreach (AuditLog log in logs)
            {
                log.Dispose();
            }
        }
    }

    [PostgresFact]
    public async Task Updates_deletes_and_truncation_are_refused_and_an_edit_behind_the_triggers_is_found()
    {
        Func<CatalogDbContext> open = await server.CreateCatalogAsync();
        using var log = new AuditLog(open);
        for (int i = 1; i <= 10; i++)
        {
            await log.AppendAsync(Event(i));
        }

        await using CatalogDbContext context = open();
        string connectionString = context.Database.GetConnectionString()!;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (string sql in new[] { "UPDATE audit_entries SET \"Outcome\" = 'denied'", "DELETE FROM audit_entries", "TRUNCATE audit_entries" })
        {
            await using NpgsqlCommand command = new(sql, connection);
            PostgresException refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        }

        await using (NpgsqlCommand tamper = new("DROP TRIGGER audit_entries_no_change ON audit_entries; UPDATE audit_entries SET \"UserId\" = 'someone' WHERE \"Sequence\" = 6", connection))
        {
            await tamper.ExecuteNonQueryAsync();
        }

        AuditVerification result = await log.VerifyAsync();
        Assert.False(result.Intact);
        Assert.Equal(6, result.FirstBrokenSequence);
    }

    [PostgresFact]
    public async Task Deleting_the_newest_entries_behind_the_triggers_is_found_through_the_head_which_refuses_to_move_back()
    {
        Func<CatalogDbContext> open = await server.CreateCatalogAsync();
        using var log = new AuditLog(open);
        for (int i = 1; i <= 10; i++)
        {
            await log.AppendAsync(Event(i));
        }

        Assert.True((await log.VerifyAsync()).Intact);
        await using CatalogDbContext context = open();
        await using var connection = new NpgsqlConnection(context.Database.GetConnectionString()!);
        await connection.OpenAsync();
        foreach (string sql in new[] { "UPDATE audit_head SET \"Sequence\" = 7", "DELETE FROM audit_head", "TRUNCATE audit_head" })
        {
            await using NpgsqlCommand command = new(sql, connection);
            PostgresException refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("only moves forward", refused.MessageText, StringComparison.Ordinal);
        }

        await using (NpgsqlCommand cut = new("DROP TRIGGER audit_entries_no_change ON audit_entries; DELETE FROM audit_entries WHERE \"Sequence\" > 7", connection))
        {
            Assert.Equal(3, await cut.ExecuteNonQueryAsync());
        }

        AuditVerification result = await log.VerifyAsync();
        Assert.False(result.Intact);
        Assert.Equal(8, result.FirstBrokenSequence);
        Assert.Equal(7, result.EntriesChecked);
        Assert.Contains("entries 8–10 are missing", result.Problem, StringComparison.Ordinal);
    }
}
