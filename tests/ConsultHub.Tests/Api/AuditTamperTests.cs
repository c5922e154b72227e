using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>Someone with the catalog file edits the audit log behind the hub's back; the auditor's verify finds it.</summary>
public sealed class AuditTamperTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Editing_a_row_in_the_sqlite_file_is_reported_by_verify_naming_that_entry()
    {
        using HttpClient reader = host.ClientAs("a-cardiologist");
        foreach (string institution in new[] { ApiHost.CountyA, ApiHost.TownA, ApiHost.VillageA })
        {
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/api/studies?institution={institution}")).StatusCode);
        }

        using HttpClient auditor = host.ClientAs("a-auditor");
        Assert.True(await IntactAsync(auditor));

        // Hide that the cardiologist looked at the township patient: rewrite the entry's patient.
        long sequence;
        using (var connection = new SqliteConnection(CatalogDatabase.SqliteConnectionString(host.CatalogPath)))
        {
            connection.Open();
            using SqliteCommand find = connection.CreateCommand();
            find.CommandText = "SELECT Sequence FROM audit_entries WHERE UserId = 'a-cardiologist' AND PatientId = $p";
            find.Parameters.AddWithValue("$p", ApiHost.PatientAt(ApiHost.TownA));
            sequence = (long)(await find.ExecuteScalarAsync())!;
            using SqliteCommand drop = connection.CreateCommand();
            // The triggers refuse the update; whoever holds the file can drop them.
            drop.CommandText = "DROP TRIGGER audit_entries_no_update";
            await drop.ExecuteNonQueryAsync();
            using SqliteCommand edit = connection.CreateCommand();
            edit.CommandText = "UPDATE audit_entries SET PatientId = 'someone-else' WHERE Sequence = $s";
            edit.Parameters.AddWithValue("$s", sequence);
            Assert.Equal(1, await edit.ExecuteNonQueryAsync());
        }

        using HttpResponseMessage response = await auditor.GetAsync("/api/audit/verify");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(result.RootElement.GetProperty("intact").GetBoolean());
        Assert.Equal(sequence, result.RootElement.GetProperty("firstBrokenSequence").GetInt64());
        Assert.Contains($"entry {sequence}", result.RootElement.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    private static async Task<bool> IntactAsync(HttpClient auditor)
    {
        using JsonDocument result = JsonDocument.Parse(await auditor.GetStringAsync("/api/audit/verify"));
        return result.RootElement.GetProperty("intact").GetBoolean();
    }
}
