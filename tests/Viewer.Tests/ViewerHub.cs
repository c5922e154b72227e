using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Telemed.Testing;

namespace Telemed.Viewer.Tests;

/// <summary>
/// The real hub (with the demo community and the built viewer in its wwwroot) as its own process. Where the machine
/// allows it (root: <c>unshare -n</c> and <c>nsenter</c>), the hub runs in a private network namespace that has
/// nothing but its own loopback, and so do the browser (<see cref="BrowserWrapper"/>) and DCMTK's storescu: WebRTC's
/// ICE then only finds 127.0.0.1, and no test traffic can reach any other interface. The test itself talks to the
/// hub over a Unix socket Kestrel also listens on, which works across network namespaces.
/// </summary>
internal sealed partial class ViewerHub : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private ViewerHub(Process process, string dataDirectory, int httpPort, int dicomPort, bool isolated)
    {
        this.process = process;
        DataDirectory = dataDirectory;
        HttpPort = httpPort;
        DicomPort = dicomPort;
        Isolated = isolated;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string DataDirectory { get; }

    public int HttpPort { get; }

    public int DicomPort { get; }

    /// <summary>True when hub, browser and storescu share a loopback-only network namespace.</summary>
    public bool Isolated { get; }

    /// <summary>Why the namespace could not be made, when <see cref="Isolated"/> is false.</summary>
    public string? NotIsolatedBecause { get; private set; }

    public string BaseUrl => $"http://127.0.0.1:{HttpPort}";

    public string SocketPath => Path.Combine(DataDirectory, "hub.sock");

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static async Task<ViewerHub> StartAsync()
    {
        string data = Path.Combine(Path.GetTempPath(), "telemed-viewer-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        (bool isolated, string? why) = await CanIsolateAsync();
        int http = FreePorts.Next(), dicom = FreePorts.Next(), ecg = FreePorts.Next(), silo = FreePorts.Next(), gateway = FreePorts.Next();
        string socket = Path.Combine(data, "hub.sock");
        string[] hub =
        [
            "dotnet", HubAssembly, "--data", data, "--http", $"http://127.0.0.1:{http};http://unix:{socket}",
            "--dicom-port", $"{dicom}", "--ecg-port", $"{ecg}", "--silo-port", $"{silo}", "--gateway-port", $"{gateway}",
        ];
        var start = new ProcessStartInfo(isolated ? "unshare" : hub[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = data,
        };
        // unshare and sh exec in turn, so the process id is the hub's: nsenter -t <pid> -n enters its namespace.
        IEnumerable<string> arguments = isolated ? ["-n", "sh", "-c", "ip link set lo up || exit 90; exec \"$@\"", "sh", .. hub] : hub[1..];
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("the hub did not start");
        var viewerHub = new ViewerHub(process, data, http, dicom, isolated) { NotIsolatedBecause = why };
        await viewerHub.WaitUntilReadyAsync(TimeSpan.FromSeconds(180));
        return viewerHub;
    }

    /// <summary>An HTTP client to the hub over its Unix socket (reachable from outside its network namespace).</summary>
    public HttpClient CreateClient(CookieContainer? cookies = null) =>
        new(CreateHandler(cookies)) { BaseAddress = new Uri("http://localhost"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A handler that connects to the hub's Unix socket whatever host the URL names.</summary>
    public SocketsHttpHandler CreateHandler(CookieContainer? cookies = null)
    {
        string socket = SocketPath;
        return new SocketsHttpHandler
        {
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
            ConnectCallback = async (_, cancellationToken) =>
            {
                var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await unix.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken);
                    return new NetworkStream(unix, ownsSocket: true);
                }
                catch
                {
                    unix.Dispose();
                    throw;
                }
            },
        };
    }

    /// <summary>A command line that runs <paramref name="program"/> where the hub's loopback is (its namespace, if any).</summary>
    public (string FileName, IReadOnlyList<string> Arguments) Command(string program, params string[] arguments) =>
        Isolated ? ("nsenter", ["-t", $"{process.Id}", "-n", program, .. arguments]) : (program, arguments);

    /// <summary>A script for Playwright's ExecutablePath that starts Debian's chromium in the hub's namespace.</summary>
    public string BrowserWrapper(string chromium)
    {
        if (!Isolated || OperatingSystem.IsWindows())
        {
            return chromium;
        }

        string path = Path.Combine(DataDirectory, "chromium-in-hub-namespace.sh");
        File.WriteAllText(path, $"#!/bin/sh\nexec nsenter -t {process.Id} -n {chromium} \"$@\"\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>The demo users' passwords, from the file the seed writes once.</summary>
    public async Task<string> PasswordOfAsync(string user)
    {
        string text = await File.ReadAllTextAsync(Path.Combine(DataDirectory, "demo-credentials.txt"));
        Match match = Regex.Match(text, $@"user: {Regex.Escape(user)} .*password: (\S+)");
        return match.Success ? match.Groups[1].Value : throw new InvalidOperationException($"no password for {user} in demo-credentials.txt:\n{text}");
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
            // a file still held open; the temp folder is cleaned by the OS
        }
    }

    /// <summary>
    /// Ready when /health answers over the socket and the demo seed has written the users' passwords (the seed runs
    /// before Kestrel listens, but the file is appended in two steps).
    /// </summary>
    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using HttpClient client = CreateClient();
        DateTime deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the hub exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await client.GetAsync("/health")).IsSuccessStatusCode
                    && File.Exists(Path.Combine(DataDirectory, "demo-credentials.txt"))
                    && (await File.ReadAllTextAsync(Path.Combine(DataDirectory, "demo-credentials.txt"))).Contains("auditor-county", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or SocketException or IOException or TaskCanceledException)
            {
                // not listening yet
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"the hub was not ready within {timeout}:\n{Output}");
    }

    /// <summary>Whether this machine lets us make a loopback-only network namespace and enter it again (root).</summary>
    private static async Task<(bool, string?)> CanIsolateAsync()
    {
        try
        {
            var probe = new ProcessStartInfo("unshare", ["-n", "sh", "-c", "ip link set lo up && command -v nsenter >/dev/null"])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            using Process process = Process.Start(probe)!;
            string error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0 ? (true, null) : (false, $"unshare -n / ip / nsenter failed ({process.ExitCode}): {error.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (false, "unshare is not installed: " + e.Message);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }


    /// <summary>The hub's build output (same configuration as these tests), with the viewer in its wwwroot.</summary>
    private static string HubAssembly
    {
        get
        {
            string tests = AppContext.BaseDirectory; // …/tests/Viewer.Tests/bin/<Configuration>/net10.0/linux-x64/
            string configuration = new DirectoryInfo(tests).Parent!.Parent!.Name;
            string path = Path.Combine(RepositoryPaths.Root, "src", "ConsultHub", "bin", configuration, "net10.0", "linux-x64", "Telemed.ConsultHub.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("the hub is not built", path);
        }
    }
}
