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

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static WfdbHeader Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new WfdbFormatException($"{path}: cannot read header: {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <summary>Parses header text; <paramref name="source"/> names the file in error messages.</summary>
    public static WfdbHeader Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        string? recordName = null;
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
                continue;
            }

            if (signals.Count < nsig)
            {
                signals.Add(ParseSignalLine(fields, trimmed, source, lineNo));
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

        return new WfdbHeader(recordName, fs, nsamp, signals, comments);
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
            fmt = fmt[..plus];
        }

        int colon = fmt.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            skew = (int)ParseLong(fmt[(colon + 1)..], "skew");
            fmt = fmt[..colon];
        }

        int x = fmt.IndexOf('x', StringComparison.Ordinal);
        if (x >= 0)
        {
            spf = (int)ParseLong(fmt[(x + 1)..], "samples per frame");
            fmt = fmt[..x];
        }

        int format = (int)ParseLong(fmt, "format");
        if (spf != 1)
        {
            throw WfdbFormatException.AtLine(source, lineNo, $"signal '{file}' has {spf} samples per frame; only 1 is supported.");
        }

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

                baseline = (int)ParseLong(g[(paren + 1)..close], "baseline");
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

        int adcres = f.Length > 3 ? (int)ParseLong(f[3], "ADC resolution") : 0;
        int adczero = f.Length > 4 ? (int)ParseLong(f[4], "ADC zero") : 0;
        int? init = f.Length > 5 ? (int)ParseLong(f[5], "initial value") : null;
        int? checksum = f.Length > 6 ? (int)ParseLong(f[6], "checksum") : null;

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

        return new WfdbSignalSpec(file, format, spf, skew, offset, gain, baseline ?? adczero, units, adcres, adczero, init, checksum, description);

        long ParseLong(string s, string what)
        {
            if (!long.TryParse(s, NumberStyles.AllowLeadingSign, Inv, out long v))
            {
                throw WfdbFormatException.AtLine(source, lineNo, $"{what} '{s}' is not a whole number.");
            }

            return v;
        }
    }
}
