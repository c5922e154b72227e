using System.Diagnostics;
using System.Globalization;

namespace Telemed.Cli.Upload;

/// <summary>
/// A one-line progress bar on stderr: bar, percentage, bytes sent of the total and the rate, redrawn in place (\r) at
/// most every 200 ms; notes (a retry) get their own line. The rate is over the bytes the hub confirmed or is reading
/// since the start of this run, not the file (a resumed run does not count what was sent before).
/// </summary>
internal sealed class UploadProgress(TextWriter stderr)
{
    private const int Width = 30;
    private readonly Stopwatch clock = new();
    private long total;
    private long first = -1;
    private long last;
    private TimeSpan? drawn;

    public void Start(long length)
    {
        total = length;
        clock.Restart();
    }

    public void Report(long bytes)
    {
        if (first < 0)
        {
            first = bytes;
        }

        last = bytes;
        if (drawn is null || clock.Elapsed - drawn.Value >= TimeSpan.FromMilliseconds(200))
        {
            Draw();
        }
    }

    public void Note(string text)
    {
        stderr.WriteLine();
        stderr.WriteLine(text);
    }

    public void Finish(long bytes)
    {
        last = bytes;
        Draw();
        stderr.WriteLine();
    }

    private void Draw()
    {
        drawn = clock.Elapsed;
        double fraction = total == 0 ? 1 : (double)last / total;
        int filled = (int)Math.Round(fraction * Width);
        double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
        double rate = (last - Math.Max(first, 0)) / seconds;
        stderr.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r[{new string('#', filled)}{new string(' ', Width - filled)}] {fraction * 100,5:0.0}%  {Size(last)} / {Size(total)}  {Size((long)rate)}/s   "));
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1 << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB"),
    };
}
