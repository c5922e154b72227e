using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Telemed.ConsultHub.Tests;

/// <summary>
/// The hub as its own process with the demo seed: one user per role in data/demo-credentials.txt beside the cart's
/// stream token; a reader signs in over real HTTP and reads patient data, and the auditor finds the reads with the
/// reader's address.
/// </summary>
public sealed partial class DemoUsersTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "telemed-demo-users-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }

    [GeneratedRegex(@"^user: (?<user>\S+)  role: (?<role>\S+)  institution: (?<institution>\S+)  password: (?<password>\S+)$", RegexOptions.Multiline)]
    private static partial Regex UserLine();

    [Fact]
    public async Task Demo_users_one_per_role_sign_in_and_their_patient_reads_are_audited_with_their_address()
    {
        string data = Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        await using HubProcess hub = await HubProcess.StartAsync(data);
        string credentialsPath = Path.Combine(data, "demo-credentials.txt");
        string credentials = string.Empty;
        for (var deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline && !credentials.Contains("user: auditor-county", StringComparison.Ordinal);)
        {
            await Task.Delay(200);
            credentials = File.Exists(credentialsPath) ? await File.ReadAllTextAsync(credentialsPath) : string.Empty;
        }

        Assert.Contains("ECG cart device id: cart-dongcun-1  token: ", credentials, StringComparison.Ordinal);
        Dictionary<string, (string Role, string Password)> users = UserLine().Matches(credentials)
            .ToDictionary(m => m.Groups["user"].Value, m => (m.Groups["role"].Value, m.Groups["password"].Value));
        Assert.Equal(
            ["Auditor", "Cardiologist", "CommunityAdmin", "Radiologist", "TownshipStaff", "VillageDoctor"],
            users.Values.Select(u => u.Role).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains("card-wang", users.Keys);
        Assert.Contains("rad-liu", users.Keys);
        Assert.Equal(users.Count, users.Values.Select(u => u.Password).Distinct().Count());

        using var handler = new HttpClientHandler { UseCookies = true };
        using var reader = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{hub.HttpPort}") };
        using (HttpResponseMessage login = await reader.PostAsJsonAsync("/api/auth/login", new { user = "card-wang", password = users["card-wang"].Password }))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        // The sample ECGs came from the Dongcun cart: the township's studies name their patients.
        string[] patients = [];
        for (var deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline && patients.Length == 0;)
        {
            using JsonDocument studies = JsonDocument.Parse(await reader.GetStringAsync("/api/studies?institution=township-dongcun"));
            patients = studies.RootElement.EnumerateArray().Select(s => s.GetProperty("patientId").GetString()!).Distinct().ToArray();
            if (patients.Length == 0)
            {
                await Task.Delay(500);
            }
        }

        Assert.NotEmpty(patients);

        using var auditorHandler = new HttpClientHandler { UseCookies = true };
        using var auditor = new HttpClient(auditorHandler) { BaseAddress = new Uri($"http://127.0.0.1:{hub.HttpPort}") };
        Assert.Equal(HttpStatusCode.OK, (await auditor.PostAsJsonAsync("/api/auth/login", new { user = "auditor-county", password = users["auditor-county"].Password })).StatusCode);
        using JsonDocument entries = JsonDocument.Parse(await auditor.GetStringAsync($"/api/audit?user=card-wang&patient={Uri.EscapeDataString(patients[0])}"));
        JsonElement entry = entries.RootElement.EnumerateArray().First(e => e.GetProperty("action").GetString() == "studies.list" && e.GetProperty("outcome").GetString() == "ok");
        Assert.Equal("127.0.0.1", entry.GetProperty("remoteAddress").GetString());
        Assert.Equal("demo-county", entry.GetProperty("communityId").GetString());
    }
}
