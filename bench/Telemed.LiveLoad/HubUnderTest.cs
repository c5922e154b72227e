using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Telemed.LiveLoad;

/// <summary>
/// The hub as its own process (its Release build output, server GC as shipped) on a fresh data folder in the demo
/// profile, on free loopback ports; logging at Warning so the console is not what is measured.
/// </summary>
internal sealed partial class HubUnderTest : IAsyncDisposable
{
    private readonly Process process;

    private HubUnderTest(Process process, string data, int http, int ecg)
    {
        this.process = process;
        DataDirectory = data;
        BaseAddress = new Uri($"http://127.0.0.1:{http}/");
        EcgPort = ecg;
    }

    public Uri BaseAddress { get; }

    public int EcgPort { get; }

    public string DataDirectory { get; }

    public int ProcessId => process.Id;

    public static async Task<HubUnderTest> StartAsync(string hubDll)
    {
        string data = Path.Combine(Path.GetTempPath(), "telemed-liveload-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        int http = FreePort(), ecg = FreePort();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = data };
        foreach (string arg in new[]
        {
            hubDll, "--data", data, "--http", $"http://127.0.0.1:{http}", "--ecg-port", $"{ecg}", "--dicom-port", $"{FreePort()}",
            "--silo-port", $"{FreePort()}", "--gateway-port", $"{FreePort()}", "--Logging:LogLevel:Default", "Warning",
        })
        {
            start.ArgumentList.Add(arg);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine("hub: " + line);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var hub = new HubUnderTest(process, data, http, ecg);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the hub exited with {process.ExitCode}");
            }

            try
            {
                if ((await client.GetAsync(new Uri(hub.BaseAddress, "health"))).IsSuccessStatusCode && File.Exists(Path.Combine(data, "demo-credentials.txt")))
                {
                    return hub;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException("the hub did not become healthy within 3 minutes");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>A demo user's password from demo-credentials.txt.</summary>
    public string PasswordOf(string user)
    {
        foreach (Match m in CredentialLine().Matches(File.ReadAllText(Path.Combine(DataDirectory, "demo-credentials.txt"))))
        {
            if (m.Groups["user"].Value == user)
            {
                return m.Groups["password"].Value;
            }
        }

        throw new InvalidOperationException($"no demo user {user}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS to clean
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    [GeneratedRegex(@"^user: (?<user>\S+)  role: \S+  institution: \S+  password: (?<password>\S+)$", RegexOptions.Multiline)]
    private static partial Regex CredentialLine();
}
