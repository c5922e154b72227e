using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Telemed.Testing;

namespace Telemed.ConsultHub.Tests;

/// <summary>
/// A throwaway redis-server (Debian package redis-server) on a free 127.0.0.1 port, without persistence, its working
/// folder in temp. redis-server cannot be given port 0, so a free port is picked and the start retried if it was
/// taken in between. Killed and deleted on dispose.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "telemed-redis-" + Guid.NewGuid().ToString("N"));
    private readonly Process process;
    private readonly StringBuilder output = new();

    public RedisServer()
    {
        Directory.CreateDirectory(folder);
        for (int attempt = 1; ; attempt++)
        {
            Port = FreePorts.Next();
            process = Start(Port);
            if (WaitUntilListening(process, Port, TimeSpan.FromSeconds(20)))
            {
                return;
            }

            Stop(process);
            if (attempt == 3)
            {
                throw new InvalidOperationException($"redis-server did not start:\n{Output}");
            }
        }
    }

    public int Port { get; private set; }

    /// <summary>StackExchange.Redis configuration string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static bool IsInstalled => File.Exists("/usr/bin/redis-server");

    private string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public void Dispose()
    {
        Stop(process);
        Directory.Delete(folder, recursive: true);
    }

    private Process Start(int port)
    {
        var start = new ProcessStartInfo("/usr/bin/redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (string argument in new[]
        {
            "--port", $"{port}", "--bind", "127.0.0.1", "--dir", folder, "--save", "", "--appendonly", "no",
            "--protected-mode", "yes", "--daemonize", "no",
        })
        {
            start.ArgumentList.Add(argument);
        }

        Process started = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        started.OutputDataReceived += (_, e) => Append(e.Data);
        started.ErrorDataReceived += (_, e) => Append(e.Data);
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        return started;
    }

    private static bool WaitUntilListening(Process process, int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                using NetworkStream stream = client.GetStream();
                stream.Write("PING\r\n"u8);
                var buffer = new byte[16];
                int read = stream.Read(buffer);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (SocketException)
            {
                // not listening yet
            }

            Thread.Sleep(100);
        }

        return false;
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

}
