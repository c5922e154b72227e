using System.Diagnostics;

namespace Telemed.Viewer.Tests;

/// <summary>A township device sends a study the way real ones do: DCMTK's storescu over DICOM C-STORE.</summary>
internal static class DeviceIngest
{
    /// <summary>
    /// Sends a copy of a sample from samples/dicom with new study, series and instance UIDs (dcmodify) and the given
    /// patient id, so the hub opens a new case for it; returns the SOP Instance UID.
    /// </summary>
    public static async Task StoreAsync(ViewerHub hub, string sample, string patientId)
    {
        string file = Path.Combine(hub.DataDirectory, $"{patientId}.dcm");
        File.Copy(Path.Combine(RepositoryPaths.Root, "samples", "dicom", sample), file, overwrite: true);
        await RunAsync(("dcmodify", ["-nb", "-gst", "-gse", "-gin", "-m", $"PatientID={patientId}", file]));
        await RunAsync(hub.Command("storescu", "-aec", "TELEMED", "127.0.0.1", $"{hub.DicomPort}", file));
    }

    private static async Task RunAsync((string FileName, IReadOnlyList<string> Arguments) command)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{command.FileName} did not start");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command.FileName} {string.Join(' ', command.Arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
        }
    }
}
