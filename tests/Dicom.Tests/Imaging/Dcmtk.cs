using System.Diagnostics;
using Xunit;

namespace Telemed.Dicom.Tests.Imaging;

/// <summary>Runs a DCMTK tool (the independent peer for pixel decoding and rendering) and fails the test if it fails.</summary>
internal static class Dcmtk
{
    public static void Run(string tool, params string[] args)
    {
        (int exitCode, string stderr) = TryRun(tool, args);
        Assert.True(exitCode == 0, $"{tool} {string.Join(' ', args)} failed (exit {exitCode}): {stderr}");
    }

    /// <summary>Runs the tool and returns its exit code and standard error, for inputs the peer may refuse.</summary>
    public static (int ExitCode, string StandardError) TryRun(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            Assert.Fail($"{tool} timed out: {string.Join(' ', args)}");
        }

        return (process.ExitCode, stderr.Result);
    }

    /// <summary>A fresh temporary file path, deleted when disposed.</summary>
    public sealed class TempFile : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"telemed-{Guid.NewGuid():N}");

        public void Dispose()
        {
            if (File.Exists(Path))
            {
                File.Delete(Path);
            }
        }
    }
}
