using System.Diagnostics;

namespace Telemed.Dicom.Tests.Imaging;

/// <summary>Runs dicom3tools' dciodvfy, the independent judge of an object against its IOD (PS3.3).</summary>
internal static class Dciodvfy
{
    /// <summary>The full report: the IOD it recognised on the first line, then one line per error or warning.</summary>
    public static string Report(string path)
    {
        var start = new ProcessStartInfo("dciodvfy", [path]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("dciodvfy did not start");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return stderr + stdout.Result;
    }

    /// <summary>The "Error - …" lines, without the file-specific prefix some messages carry.</summary>
    public static string[] Errors(string path) =>
        [.. Report(path).Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Error", StringComparison.Ordinal))];
}
