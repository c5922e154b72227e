using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace Telemed.Dicom.Tests.Conformance;

/// <summary>
/// Runs DCMTK's dcmdump on a file and parses its indented listing into a tree. Options: -q (no warnings), +L (print
/// whole values), -M (do not load very long values, printed "(not loaded)"), -Un (UIDs as numbers, not names),
/// +Qn (non-ASCII and control characters quoted as &amp;#N; so every element stays on one line).
/// </summary>
internal static partial class DcmdumpListing
{
    public static (List<DcmdumpNode> Meta, List<DcmdumpNode> Dataset) Read(string path)
    {
        var result = TryRead(path, [], out string error);
        Assert.True(result is not null, error);
        return result!.Value;
    }

    /// <summary>
    /// Runs dcmdump with extra options (e.g. +U8: text converted to UTF-8, printed by +Qn as one &amp;#N; per byte);
    /// null with dcmdump's message when it fails.
    /// </summary>
    public static (List<DcmdumpNode> Meta, List<DcmdumpNode> Dataset)? TryRead(string path, string[] extraOptions, out string error)
    {
        var start = new ProcessStartInfo("dcmdump")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.Latin1,
        };
        foreach (string arg in new[] { "-q", "+L", "-M", "-Un", "+Qn" }.Concat(extraOptions).Append(path))
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("dcmdump did not start");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            Assert.Fail($"dcmdump timed out on {path}");
        }

        error = $"dcmdump failed on {path} (exit {process.ExitCode}): {stderr.Result}";
        return process.ExitCode == 0 ? Parse(output) : null;
    }

    public static (List<DcmdumpNode> Meta, List<DcmdumpNode> Dataset) Parse(string listing)
    {
        var meta = new List<DcmdumpNode>();
        var dataset = new List<DcmdumpNode>();
        List<DcmdumpNode> top = meta;
        // stack[level] = the element list elements at indent level 'level' go into.
        var stack = new List<List<DcmdumpNode>> { top };
        var lastAtLevel = new List<DcmdumpNode?> { null };
        string[] lines = listing.Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n].TrimEnd('\r');
            if (line.StartsWith("# Dicom-Data-Set", StringComparison.Ordinal))
            {
                top = dataset;
                stack = [top];
                lastAtLevel = [null];
                continue;
            }

            Match m = ElementLine().Match(line);
            if (!m.Success)
            {
                continue; // comments, blank lines, "#  offset=$..." annotations
            }

            int level = m.Groups["indent"].Length / 2;
            uint tag = (uint.Parse(m.Groups["g"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) << 16)
                | uint.Parse(m.Groups["e"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            string vr = m.Groups["vr"].Value;
            if (tag is 0xFFFEE00D or 0xFFFEE0DD)
            {
                continue;
            }

            if (tag == 0xFFFEE000)
            {
                // An item of the element one level up (or a pixel fragment when its VR is "pi").
                DcmdumpNode? owner = level >= 1 && level - 1 < lastAtLevel.Count ? lastAtLevel[level - 1] : null;
                Assert.True(owner is not null, $"dcmdump listing line {n + 1}: item without a sequence: {line}");
                if (vr == "pi")
                {
                    owner!.PixelItems++;
                    continue;
                }

                var item = new List<DcmdumpNode>();
                owner!.Items.Add(item);
                while (stack.Count <= level + 1)
                {
                    stack.Add([]);
                    lastAtLevel.Add(null);
                }

                stack[level + 1] = item;
                continue;
            }

            Assert.True(level < stack.Count, $"dcmdump listing line {n + 1}: unexpected indentation: {line}");
            var node = new DcmdumpNode(tag, vr, m.Groups["value"].Value, n + 1);
            stack[level].Add(node);
            while (lastAtLevel.Count <= level)
            {
                lastAtLevel.Add(null);
            }

            lastAtLevel[level] = node;
        }

        return (meta, dataset);
    }

    /// <summary>The bytes of a printed text value: brackets removed, +Qn's &amp;#N; and named entities decoded.</summary>
    public static string? TextValue(string printed)
    {
        if (printed == "(no value available)")
        {
            return "";
        }

        if (printed.Length < 2 || printed[0] != '[' || printed[^1] != ']')
        {
            return null; // "(not loaded)" and other forms that carry no comparable value
        }

        string inner = printed[1..^1];
        return Entity().Replace(inner, m => m.Groups["num"].Success
            ? ((char)int.Parse(m.Groups["num"].Value, CultureInfo.InvariantCulture)).ToString()
            : m.Groups["name"].Value switch
            {
                "amp" => "&",
                "lt" => "<",
                "gt" => ">",
                "quot" => "\"",
                "apos" => "'",
                _ => m.Value,
            });
    }

    [GeneratedRegex(@"^(?<indent> *)\((?<g>[0-9a-f]{4}),(?<e>[0-9a-f]{4})\) (?<vr>\S\S) (?<value>.*?) *# *(?:u/l|\d+), *\d+ \S.*$")]
    private static partial Regex ElementLine();

    [GeneratedRegex(@"&(?:#(?<num>\d+)|(?<name>[a-z]+));")]
    private static partial Regex Entity();
}
