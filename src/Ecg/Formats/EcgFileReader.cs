using System.Buffers.Binary;
using System.Text;
using Telemed.Ecg.Aecg;
using Telemed.Ecg.PhilipsXml;
using Telemed.Ecg.ScpEcg;
using Telemed.Ecg.Wfdb;

namespace Telemed.Ecg.Formats;

/// <summary>
/// One entry point for uploaded ECG files: recognises the format from the first bytes and reads SCP-ECG, HL7 aECG,
/// Philips XML and WFDB into the signal model. DICOM files are recognised but not read here (this project knows no
/// DICOM): hosts call <see cref="Detect(string)"/> first and hand <see cref="EcgFileFormat.Dicom"/> files to Telemed.Dicom.
/// </summary>
public static class EcgFileReader
{
    /// <summary>How many leading bytes <see cref="Detect(ReadOnlySpan{byte})"/> looks at.</summary>
    public const int DetectionBytes = 4096;

    public static EcgFileFormat Detect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path) && File.Exists(path + ".hea"))
        {
            return EcgFileFormat.Wfdb; // a WFDB record named without its extension, as the WFDB tools do
        }

        using var stream = File.OpenRead(path);
        var head = new byte[DetectionBytes];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return Detect(head.AsSpan(0, read));
    }

    public static EcgFileFormat Detect(ReadOnlySpan<byte> head)
    {
        // PS3.10 §7.1: 128-byte preamble, then "DICM".
        if (head.Length >= 132 && head.Slice(128, 4).SequenceEqual("DICM"u8))
        {
            return EcgFileFormat.Dicom;
        }

        if (LooksLikeScp(head))
        {
            return EcgFileFormat.ScpEcg;
        }

        if (XmlRoot(head) is string root)
        {
            return root switch
            {
                "AnnotatedECG" => EcgFileFormat.HL7Aecg,
                "restingecgdata" => EcgFileFormat.PhilipsXml,
                _ => EcgFileFormat.Unknown,
            };
        }

        return LooksLikeWfdbHeader(head) ? EcgFileFormat.Wfdb : EcgFileFormat.Unknown;
    }

    /// <summary>Reads the file at <paramref name="path"/> (for WFDB the header, with or without ".hea") whatever its format.</summary>
    public static EcgDocument Read(string path)
    {
        var format = Detect(path);
        if (format == EcgFileFormat.Wfdb)
        {
            string record = path.EndsWith(".hea", StringComparison.OrdinalIgnoreCase) ? path[..^4] : path;
            return new EcgDocument(EcgFileFormat.Wfdb, WfdbRecordReader.Read(record), EcgMetadata.Empty, []);
        }

        using var stream = File.OpenRead(path);
        return Read(stream, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Reads an uploaded file from <paramref name="stream"/>; WFDB needs its signal files beside the header, so it is read by path only.</summary>
    public static EcgDocument Read(Stream stream, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] bytes = BoundedInput.ReadAll(stream, Math.Max(ScpEcgReader.MaxRecordBytes, AecgReader.MaxDocumentBytes), EcgFileFormat.Unknown);
        var format = Detect(bytes.AsSpan(0, Math.Min(bytes.Length, DetectionBytes)));
        return format switch
        {
            EcgFileFormat.ScpEcg => ScpEcgReader.Read(bytes, name),
            EcgFileFormat.HL7Aecg => AecgReader.Read(bytes, name),
            EcgFileFormat.PhilipsXml => PhilipsXmlReader.Read(bytes, name),
            EcgFileFormat.Dicom => throw new EcgFormatException(format, "file", "this is a DICOM file; read its waveform with Telemed.Dicom's EcgWaveformReader."),
            EcgFileFormat.Wfdb => throw new EcgFormatException(format, "file", "a WFDB header needs its signal files; read it by path."),
            _ => throw new EcgFormatException(EcgFileFormat.Unknown, "file", "not an ECG format this reader knows (SCP-ECG, HL7 aECG, Philips XML, WFDB, DICOM)."),
        };
    }

    /// <summary>
    /// Section 0 right after the 6-byte record header: id 0 and a length that is a 16-byte header plus 10-byte pointers.
    /// "SCPECG" in its reserved bytes is not required, so non-compliant files reach the reader and get its explanation.
    /// </summary>
    private static bool LooksLikeScp(ReadOnlySpan<byte> head)
    {
        if (head.Length < 22)
        {
            return false;
        }

        if (head.Slice(16, 6).SequenceEqual("SCPECG"u8))
        {
            return true;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(head[10..]);
        return BinaryPrimitives.ReadUInt16LittleEndian(head[8..]) == 0 && length is >= 26 and <= 16 + (1024 * 10) && (length - 16) % 10 == 0
            && head[14] is >= 10 and <= 40 && head[15] is >= 10 and <= 40; // section and protocol versions 1.0–4.0
    }

    /// <summary>The local name of the first element, for UTF-8 and UTF-16 (with or without BOM); null if this is not XML.</summary>
    private static string? XmlRoot(ReadOnlySpan<byte> head)
    {
        string text;
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || (head.Length >= 2 && head[0] == '<' && head[1] == 0))
        {
            text = Encoding.Unicode.GetString(head[..(head.Length & ~1)]);
        }
        else if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || (head.Length >= 2 && head[0] == 0 && head[1] == '<'))
        {
            text = Encoding.BigEndianUnicode.GetString(head[..(head.Length & ~1)]);
        }
        else
        {
            text = Encoding.UTF8.GetString(head);
        }

        var span = text.AsSpan().TrimStart('\uFEFF').TrimStart();
        if (span.Length == 0 || span[0] != '<')
        {
            return null;
        }

        // Skip the declaration, comments, processing instructions and a DOCTYPE to the first start tag.
        for (int i = 0; i < span.Length - 1; i++)
        {
            if (span[i] != '<')
            {
                continue;
            }

            if (span[(i + 1)..].StartsWith("!--"))
            {
                int end = span[i..].IndexOf("-->");
                if (end < 0)
                {
                    return null;
                }

                i += end;
                continue;
            }

            if (char.IsLetter(span[i + 1]) || span[i + 1] == '_')
            {
                int start = i + 1;
                int stop = start;
                while (stop < span.Length && !char.IsWhiteSpace(span[stop]) && span[stop] is not '>' and not '/')
                {
                    stop++;
                }

                var name = span[start..stop];
                int colon = name.IndexOf(':');
                return (colon >= 0 ? name[(colon + 1)..] : name).ToString();
            }
        }

        return null;
    }

    /// <summary>WFDB header(5): after comment lines, "record-name number-of-signals [frequency …]".</summary>
    private static bool LooksLikeWfdbHeader(ReadOnlySpan<byte> head)
    {
        foreach (byte b in head)
        {
            if (b is (< 0x20 and not (byte)'\n' and not (byte)'\r' and not (byte)'\t') or >= 0x7F)
            {
                return false;
            }
        }

        foreach (var line in Encoding.ASCII.GetString(head).Split('\n'))
        {
            string trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            var fields = trimmed.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            return fields.Length >= 2 && fields[1].All(char.IsAsciiDigit);
        }

        return false;
    }
}
