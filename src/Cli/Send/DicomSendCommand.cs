using System.Diagnostics;
using System.Globalization;
using Telemed.Dicom.Network;

namespace Telemed.Cli.Send;

/// <summary>
/// <c>telemed send dicom &lt;files|dirs&gt;…</c> and <c>telemed echo</c>: a modality's view of the hub. Defaults
/// point at a local hub (127.0.0.1:11112, called AE TELEMED) with DCMTK's default calling titles, which the demo
/// seed registers. One line per file on stdout; a progress bar on stderr when it is a terminal.
/// </summary>
internal static class DicomSendCommand
{
    public const string SendUsage = "usage: telemed send dicom <file|dir>... [--host 127.0.0.1] [--port 11112] [--aet STORESCU] [--aec TELEMED]";
    public const string EchoUsage = "usage: telemed echo [--host 127.0.0.1] [--port 11112] [--aet ECHOSCU] [--aec TELEMED]";

    /// <summary>Files per association: a weak link that drops loses at most one batch's association, never accepted files.</summary>
    private const int BatchSize = 100;

    public static int Echo(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse(args);
        if (options.Positional.Count != 0 || !TryEndpoint(options, out string host, out int port))
        {
            stderr.WriteLine(EchoUsage);
            return 2;
        }

        try
        {
            var clock = Stopwatch.StartNew();
            ushort status = EchoScu.EchoAsync(host, port, options.Get("--aet") ?? "ECHOSCU", options.Get("--aec") ?? "TELEMED").GetAwaiter().GetResult();
            stdout.WriteLine($"C-ECHO {host}:{port} status 0x{status:X4} in {clock.ElapsedMilliseconds} ms");
            return status == DicomStatus.Success ? 0 : 1;
        }
        catch (Exception e) when (e is DicomAssociationRejectedException or DicomAssociationAbortedException or System.Net.Sockets.SocketException or IOException)
        {
            stderr.WriteLine($"telemed echo: {e.Message}");
            return 1;
        }
    }

    public static int Send(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse(args);
        if (options.Positional.Count == 0 || !TryEndpoint(options, out string host, out int port))
        {
            stderr.WriteLine(SendUsage);
            return 2;
        }

        List<string> files = [];
        foreach (string item in options.Positional)
        {
            if (Directory.Exists(item))
            {
                files.AddRange(Directory.EnumerateFiles(item, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(item))
            {
                files.Add(item);
            }
            else
            {
                stderr.WriteLine($"telemed send dicom: {item}: no such file or directory");
                return 2;
            }
        }

        var bar = new ProgressBar(files, stderr, enabled: !Console.IsErrorRedirected && ReferenceEquals(stderr, Console.Error));
        var scu = new StoreScu(options.Get("--aet") ?? "STORESCU", options.Get("--aec") ?? "TELEMED") { Progress = bar };
        int failed = 0;
        foreach (string[] batch in files.Chunk(BatchSize))
        {
            IReadOnlyList<StoreOutcome> outcomes;
            try
            {
                outcomes = scu.SendAsync(host, port, batch).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is DicomAssociationRejectedException or DicomAssociationAbortedException
                or System.Net.Sockets.SocketException or IOException or ArgumentException)
            {
                bar.Clear();
                stderr.WriteLine($"telemed send dicom: {e.Message}");
                outcomes = [.. batch.Select(f => new StoreOutcome(f, null, null, null, e.Message))];
            }

            bar.Clear();
            foreach (StoreOutcome outcome in outcomes)
            {
                string status = outcome.Status is { } s ? $"0x{s:X4}" : "------";
                stdout.WriteLine($"{(outcome.Succeeded ? "stored" : "FAILED")} {status} {outcome.Path}{(outcome.Error is null ? "" : $"  ({outcome.Error})")}");
                failed += outcome.Succeeded ? 0 : 1;
            }
        }

        bar.Clear();
        stdout.WriteLine($"{files.Count - failed} of {files.Count} files stored, {failed} failed ({bar.Summary})");
        return failed == 0 ? 0 : 1;
    }

    private static bool TryEndpoint(Options options, out string host, out int port)
    {
        host = options.Get("--host") ?? "127.0.0.1";
        port = 11112;
        return options.Get("--port") is not string text || (int.TryParse(text, CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536);
    }

    /// <summary>Files done, bytes and rate on one terminal line, redrawn in place.</summary>
    private sealed class ProgressBar(IReadOnlyList<string> files, TextWriter stderr, bool enabled) : IProgress<StoreOutcome>
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private int done;
        private long bytes;

        public string Summary => string.Create(CultureInfo.InvariantCulture,
            $"{bytes / 1e6:F1} MB in {clock.Elapsed.TotalSeconds:F1} s, {bytes / 1e6 / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):F1} MB/s");

        public void Report(StoreOutcome value)
        {
            done++;
            bytes += File.Exists(value.Path) ? new FileInfo(value.Path).Length : 0;
            if (enabled)
            {
                int width = 30, filled = files.Count == 0 ? width : done * width / files.Count;
                stderr.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {done}/{files.Count} files, {Summary}   ");
            }
        }

        public void Clear()
        {
            if (enabled)
            {
                stderr.Write("\r" + new string(' ', 100) + "\r");
            }
        }
    }
}
