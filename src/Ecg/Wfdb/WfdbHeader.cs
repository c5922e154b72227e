using System.Globalization;

namespace Telemed.Ecg.Wfdb;

/// <summary>A parsed WFDB record header (.hea).</summary>
public sealed record WfdbHeader(
    string RecordName,
    double SamplingFrequency,
    long SampleCount,
    IReadOnlyList<WfdbSignalSpec> Signals,
    IReadOnlyList<string> Comments)
{
    /// <summary>WFDB's default gain when a header gives none or zero (header(5)).</summary>
    public const double DefaultGain = 200;

    /// <summary>WFDB's default sampling frequency when a header gives none (header(5)).</summary>
    public const double DefaultFrequency = 250;

    /// <summary>Largest header <see cref="Read"/> accepts (1 MiB): real headers are a few kB.</summary>
    public const long MaxHeaderBytes = WfdbFiles.MaxHeaderBytes;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The file (or name) the header was parsed from, for error messages; empty if built in code.</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>The line of the record line (1-based), or 0 if the header was built in code.</summary>
    public int RecordLine { get; init; }

    /// <summary>Reads and parses the header at <paramref name="path"/>; headers over <see cref="MaxHeaderBytes"/> are refused.</summary>
    public static WfdbHeader Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            long length = WfdbFiles.Length(path, MaxHeaderBytes, "header");
            byte[] bytes = WfdbFiles.ReadRange(path, 0, (int)length);
            using var reader = new StreamReader(new MemoryStream(bytes), detectEncodingFromByteOrderMarks: true);
            text = reader.ReadToEnd();
        }
        catch (IOException e)
        {
            throw new WfdbFormatException($"{path}: cannot read header: {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <summary>Signal formats the reader decodes (signal(5)): 212, 16, 61, 80, 160.</summary>
    internal static bool IsSupportedFormat(int format) => format is 212 or 16 or 61 or 80 or 160;

    /// <summary>
    /// What makes <paramref name="spec"/> unreadable here, or null. Shared with <see cref="WfdbRecordReader"/>,
    /// which checks headers built in code too.
    /// </summary>
    internal static string? SignalProblem(WfdbSignalSpec spec)
    {
        // The file name comes from an uploaded header: it may only name a file beside the header
        // (header(5) allows paths relative to the WFDB path; we do not search one). Without separators, ".." can only
        // climb as the whole name, so "a..b.dat" stays legal.
        string file = spec.FileName;
        if (file.Length == 0 || file == "." || file == ".." || Path.IsPathRooted(file)
            || file.AsSpan().IndexOfAny('/', '\\', '\0') >= 0)
        {
            return $"signal file name '{file}' must be a plain file name beside the header (no folders, '..' or absolute paths).";
        }

        if (!IsSupportedFormat(spec.Format))
        {
            return $"signal format {spec.Format} is not supported (supported: 212, 16, 61, 80, 160).";
        }

        if (spec.SamplesPerFrame != 1)
        {
            return $"signal '{file}' has {spec.SamplesPerFrame} samples per frame; only 1 is supported.";
        }

        if (spec.Skew != 0)
        {
            return $"signal '{file}' has skew {spec.Skew}; skewed signals are not supported.";
        }

        if (spec.ByteOffset < 0)
        {
            return $"signal '{file}' has a negative byte offset {spec.ByteOffset}.";
        }

        return null;
    }

    /// <summary>Signals in one file are interleaved frame by frame, so they must share format and byte offset.</summary>
    internal static string? GroupProblem(WfdbSignalSpec spec, IEnumerable<WfdbSignalSpec> earlier)
    {
        foreach (var e in earlier)
        {
            if (e.FileName == spec.FileName && (e.Format != spec.Format || e.ByteOffset != spec.ByteOffset))
            {
                return $"signals in {spec.FileName} disagree on format or byte offset ({e.Format}+{e.ByteOffset} before, {spec.Format}+{spec.ByteOffset} here).";
            }
        }

        return null;
    }

    /// <summary>Parses header text; <paramref name="source"/> names the file in error messages.</summary>
    public static WfdbHeader Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        string? recordName = null;
        int recordLine = 0;
        double fs = DefaultFrequency;
        long nsamp = 0;
        int nsig = 0;
        var signals = new List<WfdbSignalSpec>();
        var comments = new List<string>();

        for (int i = 0; i < lines.Length; i++)
        {
            int lineNo = i + 1;
            string line = lines[i].TrimEnd('\r');
            string trimmed = line.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            if (trimmed[0] == '#')
            {
                comments.Add(trimmed[1..].Trim());
                continue;
            }

            var fields = trimmed.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (recordName is null)
            {
                (recordName, nsig, fs, nsamp) = ParseRecordLine(fields, source, lineNo);
                recordLine = lineNo;
                continue;
            }

            if (signals.Count < nsig)
            {
                var spec = ParseSignalLine(fields, trimmed, source, lineNo);
                if ((SignalProblem(spec) ?? GroupProblem(spec, signals)) is string problem)
                {
                    throw WfdbFormatException.AtLine(source, lineNo, problem);
                }

                signals.Add(spec);
            }

            // Lines after the signal specifications (other than comments) are info strings; WFDB ignores them.
        }

        if (recordName is null)
        {
            throw new WfdbFormatException($"{source}: no record line (empty header).");
        }

        if (signals.Count < nsig)
        {
            // Name the last line of the file (not the empty remainder after a final newline).
            int lastLine = lines.Length > 1 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
            throw WfdbFormatException.AtLine(source, lastLine, $"header declares {nsig} signals but only {signals.Count} signal lines follow.");
        }

        return new WfdbHeader(recordName, fs, nsamp, signals, comments) { Source = source, RecordLine = recordLine };
    }

    private static (string Name, int Nsig, double Fs, long Nsamp) ParseRecordLine(string[] f, string source, int lineNo)
    {
        if (f.Length < 2)
        {
            throw WfdbFormatException.AtLine(source, lineNo, "record line needs at least a record name and a signal count.");
        }

        string name = f[0];
        if (name.Contains('/', StringComparison.Ordinal))
        {
            throw WfdbFormatException.AtLine(source, lineNo, $"multi-segment record '{name}' is not supported.");
        }

        if (!int.TryParse(f[1], NumberStyles.None, Inv, out int nsig) || nsig > 4096)
        {
            throw WfdbFormatException.AtLine(source, lineNo, $"signal count '{f[1]}' is not a whole number from 0 to 4096.");
        }

        double fs = DefaultFrequency;
        if (f.Length > 2)
        {
            // "fs[/counterfreq[(basecounter)]]"
            string fsText = f[2];
            int slash = fsText.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                fsText = fsText[..slash];
            }

            if (!double.TryParse(fsText, NumberStyles.Float, Inv, out fs) || !(fs > 0) || double.IsInfinity(fs))
            {
                throw WfdbFormatException.AtLine(source, lineNo, $"sampling frequency '{f[2]}' is not a positive number.");
            }
        }

        long nsamp = 0;
        if (f.Length > 3 && !long.TryParse(f[3], NumberStyles.None, Inv, out nsamp))
        {
            throw WfdbFormatException.AtLine(source, lineNo, $"sample count '{f[3]}' is not a whole number.");
        }

        return (name, nsig, fs, nsamp);
    }

    private static WfdbSignalSpec ParseSignalLine(string[] f, string line, string source, int lineNo)
    {
        if (f.Length < 2)
        {
            throw WfdbFormatException.AtLine(source, lineNo, "signal line needs at least a file name and a format.");
        }

        string file = f[0];

        // "format[xsamp][:skew][+offset]"
        string fmt = f[1];
        long offset = 0;
        int skew = 0;
        int spf = 1;
        int plus = fmt.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            offset = ParseLong(fmt[(plus + 1)..], "byte offset");
            if (offset < 0)
            {
                throw WfdbFormatException.AtLine(source, lineNo, $"byte offset {offset} is negative.");
            }

            fmt = fmt[..plus];
        }

        int colon = fmt.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            skew = ParseInt(fmt[(colon + 1)..], "skew");
            fmt = fmt[..colon];
        }

        int x = fmt.IndexOf('x', StringComparison.Ordinal);
        if (x >= 0)
        {
            spf = ParseInt(fmt[(x + 1)..], "samples per frame");
            fmt = fmt[..x];
        }

        int format = ParseInt(fmt, "format");

        double gain = DefaultGain;
        int? baseline = null;
        string units = "mV";
        if (f.Length > 2)
        {
            // "gain[(baseline)][/units]"
            string g = f[2];
            int slash = g.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                units = g[(slash + 1)..];
                g = g[..slash];
            }

            int paren = g.IndexOf('(', StringComparison.Ordinal);
            if (paren >= 0)
            {
                int close = g.IndexOf(')', paren);
                if (close < 0)
                {
                    throw WfdbFormatException.AtLine(source, lineNo, $"gain field '{f[2]}' has an unclosed baseline.");
                }

                baseline = ParseInt(g[(paren + 1)..close], "baseline");
                g = g[..paren];
            }

            if (!double.TryParse(g, NumberStyles.Float, Inv, out gain) || gain < 0 || double.IsInfinity(gain) || double.IsNaN(gain))
            {
                throw WfdbFormatException.AtLine(source, lineNo, $"gain '{f[2]}' is not a non-negative number.");
            }

            if (gain == 0)
            {
                gain = DefaultGain;
            }
        }

        int adcres = f.Length > 3 ? ParseInt(f[3], "ADC resolution") : 0;
        int adczero = f.Length > 4 ? ParseInt(f[4], "ADC zero") : 0;
        int? init = f.Length > 5 ? ParseInt(f[5], "initial value") : null;
        int? checksum = f.Length > 6 ? ParseInt(f[6], "checksum") : null;

        // Field 8 is the block size; the description is the rest of the line after it.
        string description = string.Empty;
        if (f.Length > 8)
        {
            int pos = 0;
            for (int k = 0; k < 8; k++)
            {
                pos = line.IndexOf(f[k], pos, StringComparison.Ordinal) + f[k].Length;
            }

            description = line[pos..].Trim();
        }

        return new WfdbSignalSpec(file, format, spf, skew, offset, gain, baseline ?? adczero, units, adcres, adczero, init, checksum, description) { Line = lineNo };

        long ParseLong(string s, string what)
        {
            if (!long.TryParse(s, NumberStyles.AllowLeadingSign, Inv, out long v))
            {
                throw WfdbFormatException.AtLine(source, lineNo, $"{what} '{s}' is not a whole number.");
            }

            return v;
        }

        // Range-checked: a bare (int) cast would wrap "4294967297" to 1.
        int ParseInt(string s, string what)
        {
            if (!int.TryParse(s, NumberStyles.AllowLeadingSign, Inv, out int v))
            {
                throw WfdbFormatException.AtLine(source, lineNo, $"{what} '{s}' is not a whole number from {int.MinValue} to {int.MaxValue}.");
            }

            return v;
        }
    }
}
