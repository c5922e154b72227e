using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Telemed.ConsultHub.Tests.DicomWeb;

/// <summary>
/// The DICOMweb surface checked by a client nobody here wrote: the npm package dicomweb-client (tests/DicomWeb.Node)
/// stores the sample CR and ECG (STOW-RS), finds them by patient name with wildcards in Latin and Chinese (QIDO-RS) and
/// retrieves the instance, its metadata, its frame and rendered PNG/JPEG (WADO-RS), against the hub as its own process
/// on real HTTP, with a township nurse storing and the county cardiologist reading.
/// </summary>
public sealed partial class DicomWebClientTests : IAsyncLifetime
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "telemed-dicomweb-client-" + Guid.NewGuid().ToString("N"));

    [GeneratedRegex(@"user: (?<user>\S+)\s+role: \S+\s+institution: \S+\s+password: (?<password>\S+)")]
    private static partial Regex CredentialLine();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task Dicomweb_client_stores_searches_and_retrieves()
    {
        string project = Path.Combine(RepositoryPaths.Root, "tests", "DicomWeb.Node");
        Assert.True(File.Exists(Path.Combine(project, "node_modules", "dicomweb-client", "package.json")),
            "tests/DicomWeb.Node has no node_modules: run `npm ci --prefix tests/DicomWeb.Node` (.ci/run does)");

        string data = Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        await using HubProcess hub = await HubProcess.StartAsync(data);
        string url = $"http://127.0.0.1:{hub.HttpPort}";
        Dictionary<string, string> passwords = await DemoPasswordsAsync(Path.Combine(data, "demo-credentials.txt"), "staff-dongcun", "card-wang");

        var environment = new Dictionary<string, string>
        {
            ["DICOMWEB_URL"] = url + "/dicomweb",
            ["DICOMWEB_STOW_TOKEN"] = await TokenAsync(url, "staff-dongcun", passwords["staff-dongcun"]),
            ["DICOMWEB_TOKEN"] = await TokenAsync(url, "card-wang", passwords["card-wang"]),
            ["SAMPLES_DIR"] = Path.Combine(RepositoryPaths.Root, "samples", "dicom"),
        };
        (int code, string output, string error) = await NodeAsync(project, "roundtrip.mjs", environment, TimeSpan.FromMinutes(3));
        Assert.True(code == 0, $"node exited with {code}\n{output}\n{error}\n--- hub ---\n{hub.Output}");
        Assert.Matches(@"round trip: \d+ checks passed", output);
    }

    private static async Task<string> TokenAsync(string url, string user, string password)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = true }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        using HttpResponseMessage login = await client.PostAsJsonAsync("/api/auth/login", new { user, password });
        login.EnsureSuccessStatusCode();
        using HttpResponseMessage issued = await client.PostAsJsonAsync("/api/tokens", new { name = "dicomweb-client test" });
        issued.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await issued.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
    }

    private static async Task<Dictionary<string, string>> DemoPasswordsAsync(string path, params string[] users)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            Dictionary<string, string> found = CredentialLine().Matches(File.Exists(path) ? await File.ReadAllTextAsync(path) : string.Empty)
                .ToDictionary(m => m.Groups["user"].Value, m => m.Groups["password"].Value);
            if (users.All(found.ContainsKey))
            {
                return found;
            }
        }

        throw new TimeoutException($"no credentials for {string.Join(", ", users)} in {path}");
    }

    private static async Task<(int Code, string Output, string Error)> NodeAsync(string directory, string script, Dictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("node", script)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        using Process node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        Task<string> output = node.StandardOutput.ReadToEndAsync();
        Task<string> error = node.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await node.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not finish within {timeout}: {await output}\n{await error}");
        }

        return (node.ExitCode, await output, await error);
    }
}
