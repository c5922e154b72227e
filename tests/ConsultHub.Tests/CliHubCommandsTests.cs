extern alias cli;

using System.Text.RegularExpressions;
using cli::Telemed.Cli;
using Xunit;

namespace Telemed.ConsultHub.Tests;

/// <summary>
/// <c>telemed login</c>, <c>worklist</c>, <c>case show</c>, <c>cases list</c> and <c>dashboard</c> against the demo hub as
/// its own process: a cardiologist signs in with the password from demo-credentials.txt, gets a token and reads the
/// sample ECG cases the seed opened.
/// </summary>
public sealed partial class CliHubCommandsTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "telemed-cli-hub-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [GeneratedRegex(@"^user: card-wang  role: \S+  institution: \S+  password: (?<password>\S+)$", RegexOptions.Multiline)]
    private static partial Regex CardWang();

    [GeneratedRegex(@"^(?<case>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s+(?<priority>\S+)\s+(?<kind>\S+)", RegexOptions.Multiline)]
    private static partial Regex WorklistRow();

    [GeneratedRegex(@"^(?<case>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s+(?<status>\S+)\s+(?<priority>\S+)\s+(?<kind>\S+)\s+(?<institution>\S+)\s+(?<reader>\S+)", RegexOptions.Multiline)]
    private static partial Regex CaseListRow();

    [GeneratedRegex(@"^all\s+(?<cases>\d+)\s+(?<signed>\d+)\s", RegexOptions.Multiline)]
    private static partial Regex DashboardAllRow();

    [Fact]
    public async Task A_cardiologist_logs_in_lists_the_worklist_shows_a_case_and_signs_its_report()
    {
        string data = Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        await using HubProcess hub = await HubProcess.StartAsync(data);
        string url = $"http://127.0.0.1:{hub.HttpPort}";
        string password = await DemoPasswordAsync(Path.Combine(data, "demo-credentials.txt"));

        (int code, string token, string error) = Run("login", "--hub", url, "--user", "card-wang", "--password", password, "--name", "test laptop");
        Assert.True(code == 0, error);
        token = token.Trim();
        Assert.StartsWith("tm_", token, StringComparison.Ordinal);

        // The seed's sample ECGs become cases in the background; card-wang is the cardiologist on duty.
        string list = string.Empty;
        for (var deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline && !WorklistRow().IsMatch(list);)
        {
            (code, list, error) = Run("worklist", "--hub", url, "--token", token);
            Assert.True(code == 0, error);
            await Task.Delay(500);
        }

        Match row = WorklistRow().Match(list);
        Assert.True(row.Success, list);
        Assert.Equal("EcgRead", row.Groups["kind"].Value);
        string caseId = row.Groups["case"].Value;

        (code, string shown, error) = Run("case", "show", caseId, "--hub", url, "--token", token);
        Assert.True(code == 0, error);
        Assert.Contains($"case      {caseId}", shown, StringComparison.Ordinal);
        Assert.Contains("reader    card-wang", shown, StringComparison.Ordinal);
        Assert.Contains("history", shown, StringComparison.Ordinal);

        // The same case in the list of the cases card-wang may see, as assigned to them.
        (code, string listed, error) = Run("cases", "list", "--status", "Assigned,InProgress", "--mine", "--limit", "500", "--hub", url, "--token", token);
        Assert.True(code == 0, error);
        Match listedRow = Assert.Single(CaseListRow().Matches(listed), m => m.Groups["case"].Value == caseId);
        Assert.Equal(("Assigned", "card-wang"), (listedRow.Groups["status"].Value, listedRow.Groups["reader"].Value));
        Assert.Matches(@"(?m)^1–\d+ of \d+ case\(s\)\r?$", listed);
        (code, _, error) = Run("cases", "list", "--priority", "Asap", "--hub", url, "--token", token);
        Assert.Equal(1, code);
        Assert.Contains("400", error, StringComparison.Ordinal);

        // The reader accepts and drafts through the API; the CLI signs the draft it reads (If-Match on its ETag).
        using (var api = new HttpClient { BaseAddress = new Uri(url) })
        {
            api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await api.PostAsync($"/api/cases/{caseId}/accept", null)).StatusCode);
            using HttpResponseMessage report = await api.GetAsync($"/api/cases/{caseId}/report");
            using var draft = new HttpRequestMessage(HttpMethod.Put, $"/api/cases/{caseId}/report")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { findings = "窦性心律 sinus rhythm", impression = "正常心电图 normal ECG" }),
            };
            draft.Headers.TryAddWithoutValidation("If-Match", report.Headers.ETag!.ToString());
            using HttpResponseMessage drafted = await api.SendAsync(draft);
            Assert.True(drafted.IsSuccessStatusCode, await drafted.Content.ReadAsStringAsync());
        }

        (code, string signed, error) = Run("report", "sign", caseId, "--hub", url, "--token", token);
        Assert.True(code == 0, error);
        Assert.Contains($"signed version 1 of case {caseId} by card-wang", signed, StringComparison.Ordinal);
        (code, _, error) = Run("report", "sign", caseId, "--hub", url, "--token", token);
        Assert.Equal(1, code);
        Assert.Contains("409", error, StringComparison.Ordinal);

        // Signed now: listed as such, and counted in the community's dashboard.
        (code, listed, error) = Run("cases", "list", "--status", "Signed", "--hub", url, "--token", token);
        Assert.True(code == 0, error);
        Assert.Equal("Signed", Assert.Single(CaseListRow().Matches(listed), m => m.Groups["case"].Value == caseId).Groups["status"].Value);
        (code, string dashboard, error) = Run("dashboard", "--hub", url, "--token", token);
        Assert.True(code == 0, error);
        Match all = DashboardAllRow().Match(dashboard);
        Assert.True(all.Success, dashboard);
        Assert.True(int.Parse(all.Groups["signed"].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1, dashboard);
        Assert.True(int.Parse(all.Groups["cases"].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1, dashboard);
        Assert.Contains("Stat in SLA", dashboard, StringComparison.Ordinal);

        (code, _, error) = Run("worklist", "--hub", url, "--token", "tm_not-a-real-token");
        Assert.Equal(1, code);
        Assert.Contains("401", error, StringComparison.Ordinal);

        (code, _, error) = Run("login", "--hub", url, "--user", "card-wang", "--password", "wrong-password-123");
        Assert.Equal(1, code);
        Assert.Contains("401", error, StringComparison.Ordinal);
    }

    private static async Task<string> DemoPasswordAsync(string path)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            Match m = CardWang().Match(File.Exists(path) ? await File.ReadAllTextAsync(path) : string.Empty);
            if (m.Success)
            {
                return m.Groups["password"].Value;
            }
        }

        throw new TimeoutException($"no card-wang line in {path}");
    }

    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
