extern alias cli;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using cli::Telemed.Cli;
using Xunit;

namespace Telemed.ConsultHub.Tests.Uploads;

/// <summary>
/// The hub as its own process is killed (SIGKILL) in the middle of an upload and started again on the same data:
/// the bytes it confirmed are still there, and <c>telemed upload --resume</c> finishes the file from that offset.
/// </summary>
public sealed partial class UploadRestartTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "telemed-upload-restart-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [GeneratedRegex(@"^user: staff-dongcun  role: \S+  institution: \S+  password: (?<password>\S+)$", RegexOptions.Multiline)]
    private static partial Regex StaffDongcun();

    [GeneratedRegex(@"^instance  (?<sop>[0-9.]+)\r?$", RegexOptions.Multiline)]
    private static partial Regex InstanceLine();

    [GeneratedRegex(@"^case      (?<case>[0-9a-f-]{36})\r?$", RegexOptions.Multiline)]
    private static partial Regex CaseLine();

    [Fact]
    public async Task A_partial_upload_survives_a_hub_crash_and_the_cli_resumes_it()
    {
        string data = Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        string file = UploadFiles.Generate("aecg", Path.Combine(root, "files"), "RESTART-1");
        byte[] bytes = await File.ReadAllBytesAsync(file);
        string token;
        string id;
        int half = bytes.Length * 2 / 5;
        await using (HubProcess first = await HubProcess.StartAsync(data))
        {
            string url = $"http://127.0.0.1:{first.HttpPort}";
            string password = await PasswordAsync(Path.Combine(data, "demo-credentials.txt"));
            (int code, string output, string error) = Run("login", "--hub", url, "--user", "staff-dongcun", "--password", password);
            Assert.True(code == 0, error);
            token = output.Trim();
            using HttpClient client = Client(url, token);
            id = await UploadFiles.CreateAsync(client, Path.GetFileName(file), bytes);
            using HttpRequestMessage patch = UploadFiles.Patch(id, 0, new ByteArrayContent(bytes, 0, half));
            using HttpResponseMessage response = await client.SendAsync(patch);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            first.Kill();
        }

        await using HubProcess second = await HubProcess.StartAsync(data);
        string again = $"http://127.0.0.1:{second.HttpPort}";
        using (HttpClient client = Client(again, token))
        {
            Assert.Equal(half, await UploadFiles.OffsetAsync(client, id));
        }

        (int resumed, string printed, string problems) = Run("upload", file, "--resume", id, "--chunk-size", "65536", "--hub", again, "--token", token);
        Assert.True(resumed == 0, problems + printed + second.Output);
        Assert.Contains("100.0%", problems, StringComparison.Ordinal);
        string sop = InstanceLine().Match(printed).Groups["sop"].Value;
        Assert.True(CaseLine().IsMatch(printed), printed);
        using HttpClient staff = Client(again, token);
        JsonElement ecg = await staff.GetFromJsonAsync<JsonElement>($"/api/ecgs/{sop}");
        Assert.InRange(ecg.GetProperty("heartRate").GetDouble(), 40, 120);
        JsonElement view = await staff.GetFromJsonAsync<JsonElement>($"/api/uploads/{id}");
        Assert.Equal(UploadFiles.Sha256(bytes), view.GetProperty("originalBlobHash").GetString());
    }

    private static HttpClient Client(string url, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<string> PasswordAsync(string path)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            Match m = StaffDongcun().Match(File.Exists(path) ? await File.ReadAllTextAsync(path) : string.Empty);
            if (m.Success)
            {
                return m.Groups["password"].Value;
            }
        }

        throw new TimeoutException($"no staff-dongcun line in {path}");
    }

    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
