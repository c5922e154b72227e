using System.Globalization;
using System.Text;
using Telemed.Dicom;
using Telemed.Dicom.Data;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Files;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.Cli.Dicom;

/// <summary><c>telemed dicom …</c>: inspection of DICOM files.</summary>
internal static class DicomCommands
{
    /// <summary>Printed values are cut here; a dump is for reading, not for extracting values.</summary>
    private const int MaxValueChars = 64;

    private const int MaxNumbers = 16;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0)
        {
            stderr.WriteLine(CommandLine.Usage);
            return 2;
        }

        return args[0] switch
        {
            "dump" => Dump(args[1..], stdout, stderr),
            "render" => RenderCommand.Run(args[1..], stdout, stderr),
            "ecg" => EcgWaveformCommand.Run(args[1..], stdout, stderr),
            "echo" => NetworkCommands.Echo(args[1..], stdout, stderr),
            "send" => NetworkCommands.Send(args[1..], stdout, stderr),
            "find" => NetworkCommands.Find(args[1..], stdout, stderr),
            _ => Unknown(args[0], stderr),
        };
    }

    private static int Unknown(string command, TextWriter stderr)
    {
        stderr.WriteLine($"telemed dicom: unknown command '{command}'.");
        stderr.WriteLine(CommandLine.Usage);
        return 2;
    }

    private static int Dump(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse(args);
        if (options.Positional.Count != 1)
        {
            stderr.WriteLine("usage: telemed dicom dump <file>");
            return 2;
        }

        string path = options.Positional[0];
        DicomFile file;
        try
        {
            file = DicomFile.Open(path);
        }
        catch (Exception e) when (e is DicomException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"telemed: {path}: {e.Message}");
            return 1;
        }

        // Write the whole listing at once so a malformed value found late cannot leave half a dump behind.
        var listing = new StringBuilder();
        listing.AppendLine(CultureInfo.InvariantCulture, $"# {path}: {(file.HasPreamble ? "preamble and DICM" : "no preamble")}, " +
            $"transfer syntax {file.TransferSyntax}{(file.IsTransferSyntaxInferred ? " (inferred)" : "")}");
        if (file.FileMetaInformation.Count > 0)
        {
            listing.AppendLine("# File Meta Information");
            Write(file.FileMetaInformation, 0, listing);
        }

        listing.AppendLine("# Data Set");
        Write(file.Dataset, 0, listing);
        stdout.Write(listing.ToString());
        return 0;
    }

    private static void Write(DicomDataset dataset, int depth, StringBuilder listing)
    {
        string indent = new(' ', depth * 2);
        foreach (DicomElement element in dataset)
        {
            string keyword = DicomDictionary.GetKeyword(element.Tag) ?? (element.Tag.IsPrivate ? "(private)" : "(unknown)");
            string length = element switch
            {
                DicomSequence { HasUndefinedLength: true } or DicomFragmentSequence => "u/l",
                _ => element.Length.ToString(CultureInfo.InvariantCulture),
            };
            listing.AppendLine(CultureInfo.InvariantCulture, $"{indent}{element.Tag} {element.VR} {length,6} {keyword,-36} {Describe(element, dataset)}");
            if (element is DicomSequence sequence)
            {
                for (int i = 0; i < sequence.Items.Count; i++)
                {
                    listing.AppendLine(CultureInfo.InvariantCulture, $"{indent}  > item {i + 1}");
                    Write(sequence.Items[i], depth + 1, listing);
                }
            }
        }
    }

    private static string Describe(DicomElement element, DicomDataset dataset)
    {
        switch (element)
        {
            case DicomSequence sequence:
                return $"{sequence.Items.Count} item(s)";
            case DicomFragmentSequence pixels:
                return $"encapsulated: offset table {pixels.BasicOffsetTable.Length} bytes, {pixels.Fragments.Count} fragment(s)";
        }

        if (element.Length == 0)
        {
            return "(empty)";
        }

        string value = element.VR.Kind switch
        {
            DicomVRKind.Text => Text(element, dataset),
            DicomVRKind.Number => Numbers(element),
            _ => Hex(element.Value.Span),
        };
        return value.Length <= MaxValueChars ? value : value[..MaxValueChars] + "...";
    }

    private static string Text(DicomElement element, DicomDataset dataset)
    {
        try
        {
            return "[" + Printable(element.GetString(dataset.CharacterSet)) + "]";
        }
        catch (DicomException)
        {
            // A character set this slice cannot decode yet: show the bytes rather than failing the dump.
            return "[" + Printable(Encoding.Latin1.GetString(element.Value.Span).TrimEnd(' ', '\0')) + "] (undecoded " + dataset.CharacterSet + ")";
        }
    }

    private static string Printable(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            sb.Append(c is < ' ' or (>= '\x7f' and < '\xa0') ? $"\\x{(int)c:X2}" : c.ToString());
        }

        return sb.ToString();
    }

    private static string Numbers(DicomElement element)
    {
        int count = Math.Min(element.ValueCount, MaxNumbers);
        var values = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            values.Add(element.VR.Code switch
            {
                "US" => element.GetUInt16(i).ToString(CultureInfo.InvariantCulture),
                "SS" => element.GetInt16(i).ToString(CultureInfo.InvariantCulture),
                "UL" => element.GetUInt32(i).ToString(CultureInfo.InvariantCulture),
                "SL" => element.GetInt32(i).ToString(CultureInfo.InvariantCulture),
                "FL" or "FD" => element.GetDouble(i).ToString("G7", CultureInfo.InvariantCulture),
                "AT" => element.GetTag(i).ToString(),
                _ => Hex(element.Value.Span.Slice(i * element.VR.ValueSize, element.VR.ValueSize)),
            });
        }

        return string.Join('\\', values) + (element.ValueCount > count ? "\\..." : "");
    }

    private static string Hex(ReadOnlySpan<byte> bytes)
    {
        int shown = Math.Min(bytes.Length, 16);
        string hex = Convert.ToHexString(bytes[..shown]).ToLowerInvariant();
        var sb = new StringBuilder();
        for (int i = 0; i < hex.Length; i += 2)
        {
            sb.Append(i == 0 ? "" : " ").Append(hex, i, 2);
        }

        return bytes.Length > shown ? sb + " ..." : sb.ToString();
    }
}
