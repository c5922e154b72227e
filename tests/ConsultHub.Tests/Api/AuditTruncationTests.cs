using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>
/// Someone with the catalog file deletes the newest audit entries (what a reader just looked at); the rest is still a
/// valid chain, and the auditor's verify finds the cut through the audit head.
/// </summary>
public sealed class AuditTruncationTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Deleting_the_newest_entries_in_the_sqlite_file_is_reported_by_verify()
    {
        using HttpClient reader = host.ClientAs("a-cardiologist");
        foreach (string institution in new[] { ApiHost.CountyA, ApiHost.TownA, ApiHost.VillageA })
        {
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/api/studies?institution={institution}")).StatusCode);
        }

        using HttpClient auditor = host.ClientAs("a-auditor");
        long checkedBefore;
        using (JsonDocument before = JsonDocument.Parse(await auditor.GetStringAsync("/api/audit/verify")))
        {
            Assert.True(before.RootElement.GetProperty("intact").GetBoolean());
            checkedBefore = before.RootElement.GetProperty("entriesChecked").GetInt64();
        }

        // Hide the cardiologist's reads: they are the newest entries. The trigger refuses; whoever holds the file drops it.
        long firstCut;
        using (var connection = new SqliteConnection(CatalogDatabase.SqliteConnectionString(host.CatalogPath)))
        {
            connection.Open();
            using SqliteCommand find = connection.CreateCommand();
            find.CommandText = "SELECT MIN(Sequence) FROM audit_entries WHERE UserId = 'a-cardiologist' AND Action = 'studies.list'";
            firstCut = (long)(await find.ExecuteScalarAsync())!;
            using SqliteCommand cut = connection.CreateCommand();
            cut.CommandText = "DROP TRIGGER audit_entries_no_delete; DELETE FROM audit_entries WHERE Sequence >= $s";
            cut.Parameters.AddWithValue("$s", firstCut);
            Assert.True(await cut.ExecuteNonQueryAsync() >= 3);
        }

        using HttpResponseMessage response = await auditor.GetAsync("/api/audit/verify");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(result.RootElement.GetProperty("intact").GetBoolean());
        Assert.Equal(firstCut, result.RootElement.GetProperty("firstBrokenSequence").GetInt64());
        Assert.Equal(firstCut - 1, result.RootElement.GetProperty("entriesChecked").GetInt64());
        Assert.Contains("missing", result.RootElement.GetProperty("problem").GetString(), StringComparison.Ordinal);
        Assert.True(checkedBefore >= firstCut + 2);
    }
}
