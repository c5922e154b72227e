using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Telemed.Dicom.Network;
using Telemed.Testing;

namespace Telemed.ConsultHub.Tests;

/// <summary>
/// The hub as its own operating-system process on a data directory, with free ports, so a test can kill it the way
/// a power cut or the OOM killer would (SIGKILL) and start it again on the same data.
/// </summary>
internal sealed class HubProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private HubProcess(Process process, int dicomPort, int ecgPort, int httpPort, int siloPort, int gatewayPort)
    {
        this.process = process;
        DicomPort = dicomPort;
        EcgPort = ecgPort;
        HttpPort = httpPort;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int DicomPort { get; }

    public int EcgPort { get; }

    public int HttpPort { get; }

    public int SiloPort { get; }

    /// <summary>Orleans client gateway port.</summary>
    public int GatewayPort { get; }

    public bool HasExited => process.HasExited;

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

    /// <summary>Starts the hub on free ports; <paramref name="tls"/> is how to reach its DICOM port when started with TLS options in <paramref name="extraArguments"/>.</summary>
    public static async Task<HubProcess> StartAsync(string dataDirectory, IReadOnlyList<string>? extraArguments = null, DicomTlsClientOptions? tls = null)
    {
        // A port found free can be taken by another test's process before the hub binds it: start again on new ports.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreePortsAsync(dataDirectory, extraArguments, tls);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    private static async Task<HubProcess> StartOnFreePortsAsync(string dataDirectory, IReadOnlyList<string>? extraArguments, DicomTlsClientOptions? tls)
    {
        int dicom = FreePorts.Next(), ecg = FreePorts.Next(), http = FreePorts.Next(), silo = FreePorts.Next(), gateway = FreePorts.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        string[] arguments =
        [
            HubAssembly, "--data", dataDirectory, "--dicom-port", $"{dicom}", "--ecg-port", $"{ecg}",
            "--http", $"http://127.0.0.1:{http}", "--silo-port", $"{silo}", "--gateway-port", $"{gateway}",
            .. extraArguments ?? [],
        ];
        foreach (string arg in arguments)
        {
            start.ArgumentList.Add(arg);
        }

        var hub = new HubProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"), dicom, ecg, http, silo, gateway);
        try
        {
            // Generous: several hubs may start at once on a loaded 2-core CI machine.
            await hub.WaitUntilReadyAsync(TimeSpan.FromSeconds(180), tls);
            return hub;
        }
        catch
        {
            await hub.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private async Task WaitUntilReadyAsync(TimeSpan timeout, DicomTlsClientOptions? tls)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the hub exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                // Both listeners: the gateway starts (a hosted service) before Kestrel binds the HTTP port.
                if (await EchoScu.EchoAsync("127.0.0.1", DicomPort, "ECHOSCU", "TELEMED", null, tls) == 0
                    && (await Http.GetAsync($"http://127.0.0.1:{HttpPort}/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is SocketException or IOException or DicomAssociationRejectedException or DicomAssociationAbortedException
                or System.Security.Authentication.AuthenticationException or HttpRequestException or TaskCanceledException)
            {
                // not listening yet, or the demo devices are not registered yet
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"the hub did not answer C-ECHO within {timeout}:\n{Output}");
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


    /// <summary>The hub's build output beside this test's (same configuration).</summary>
    private static string HubAssembly
    {
        get
        {
            string path = typeof(Telemed.ConsultHub.Hosting.HubOptions).Assembly.Location;
            string own = Path.Combine(Path.GetDirectoryName(path)!, "Telemed.ConsultHub.runtimeconfig.json");
            if (File.Exists(own))
            {
                return path;
            }

            // A referenced executable is copied without its runtimeconfig: run it from its own output folder.
            string tests = AppContext.BaseDirectory; // …/tests/ConsultHub.Tests/bin/<Configuration>/net10.0/linux-x64/
            string configuration = new DirectoryInfo(tests).Parent!.Parent!.Name;
            string repository = Path.GetFullPath(Path.Combine(tests, "..", "..", "..", "..", "..", ".."));
            return Path.Combine(repository, "src", "ConsultHub", "bin", configuration, "net10.0", "linux-x64", "Telemed.ConsultHub.dll");
        }
    }
}
