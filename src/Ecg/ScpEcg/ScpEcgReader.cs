using System.Buffers.Binary;
using Telemed.Ecg.Formats;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.ScpEcg;

/// <summary>
/// Reads an SCP-ECG record (EN 1064:2005 / ISO 11073-91064; protocol versions 1.x–3.0) into an <see cref="EcgDocument"/>:
/// section 0 pointers, section 1 patient and acquisition tags, section 2 Huffman tables (default or custom), section 3
/// leads, sections 4/5 reference-beat subtraction, section 6 rhythm data (difference encodings 0/1/2, bimodal
/// compression as <see cref="ScpEcgWriter"/> writes it; no real bimodal file was at hand to check devices against).
/// </summary>
/// <remarks>
/// CRC policy: a record or section whose CRC-CCITT does not match is refused by default, because a township upload
/// that was damaged on the way must be re-sent rather than analysed; <c>tolerateCrcErrors</c> reads it anyway and lists
/// each mismatch in <see cref="EcgDocument.Warnings"/> (for archives of files from writers that leave the CRC zero).
/// Every length and offset is checked against the record before use and allocations are bounded by the record's size,
/// so a hostile file ends in an <see cref="EcgFormatException"/> naming the section and offset, never a crash.
/// Files of Healforce handhelds, recognised by their 0-based section 0, are read best effort by their own rules
/// (HealforceScp), with every deviation and the unverifiable integrity in the warnings.
/// </remarks>
public static class ScpEcgReader
{
    /// <summary>Larger records are refused before they are buffered (a 10 s 12-lead resting ECG takes 20–60 kB).</summary>
    public const int MaxRecordBytes = 32 * 1024 * 1024;

    private const int RecordHeaderBytes = 6;
    private const int SectionHeaderBytes = 16;

    public static EcgDocument Read(string path, bool tolerateCrcErrors = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Read(stream, Path.GetFileNameWithoutExtension(path), tolerateCrcErrors);
    }

    public static EcgDocument Read(Stream stream, string? name = null, bool tolerateCrcErrors = false)
    {
        byte[] bytes = BoundedInput.ReadAll(stream, MaxRecordBytes, EcgFileFormat.ScpEcg);
        return Read(bytes, name, tolerateCrcErrors);
    }

    public static EcgDocument Read(ReadOnlySpan<byte> record, string? name = null, bool tolerateCrcErrors = false)
    {
        var warnings = new List<string>();
        if (record.Length < RecordHeaderBytes + SectionHeaderBytes)
        {
            throw Error("record header", $"{record.Length} bytes is too short for an SCP-ECG record (CRC, length and section 0 header need 22).");
        }

        if (record.Length > MaxRecordBytes)
        {
            throw Error("record header", $"{record.Length} bytes is more than the {MaxRecordBytes} this reader accepts.");
        }

        if (HealforceScp.Matches(record))
        {
            return HealforceScp.Read(record, name);
        }

        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(record[2..]);
        if (declared > record.Length)
        {
            throw Error("record header, byte offset 2", $"record length field says {declared} bytes but the file has {record.Length}; the file is truncated or was written by a non-compliant device.");
        }

        if (declared < RecordHeaderBytes + SectionHeaderBytes)
        {
            throw Error("record header, byte offset 2", $"record length field says {declared} bytes, less than the 22 the record header and section 0 need.");
        }

        if (declared < record.Length)
        {
            warnings.Add($"{record.Length - declared} bytes after the {declared}-byte record were ignored.");
            record = record[..(int)declared];
        }

        CheckCrc(record, "record", 0, tolerateCrcErrors, warnings);
        var sections = ReadPointers(record, tolerateCrcErrors, warnings);
        var metadata = sections.TryGetValue(1, out var s1) ? ScpPatientSection.Read(record.Slice(s1.Offset, s1.Length), s1.Offset, warnings) : EcgMetadata.Empty;
        if (!sections.ContainsKey(1))
        {
            warnings.Add("no section 1: the record carries no patient or acquisition data.");
        }

        var recording = ScpSignalSections.Read(record, sections, name, warnings);
        return new EcgDocument(EcgFileFormat.ScpEcg, recording, metadata, warnings);
    }

    /// <summary>Section 0 (EN 1064 §5.4): for each section its id, length and 1-based byte index in the record.</summary>
    private static Dictionary<int, ScpSection> ReadPointers(ReadOnlySpan<byte> record, bool tolerateCrcErrors, List<string> warnings)
    {
        var header = SectionHeader(record, RecordHeaderBytes, "section 0");
        if (header.Id != 0)
        {
            throw Error("section 0, byte offset 8", $"the first section has id {header.Id}; an SCP-ECG record starts with section 0.");
        }

        if (header.Length > record.Length - RecordHeaderBytes)
        {
            throw Error("section 0, byte offset 10", $"section length {header.Length} runs past the {record.Length}-byte record.");
        }

        CheckCrc(record.Slice(RecordHeaderBytes, header.Length), "section 0", RecordHeaderBytes, tolerateCrcErrors, warnings);
        var sections = new Dictionary<int, ScpSection>();
        int pointers = (header.Length - SectionHeaderBytes) / 10;
        for (int p = 0; p < pointers; p++)
        {
            int at = RecordHeaderBytes + SectionHeaderBytes + (p * 10);
            int id = BinaryPrimitives.ReadUInt16LittleEndian(record[at..]);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(record[(at + 2)..]);
            uint index = BinaryPrimitives.ReadUInt32LittleEndian(record[(at + 6)..]);
            if (length == 0)
            {
                continue; // EN 1064 §5.4.3: a section that is absent has length 0
            }

            string where = $"section 0, pointer {p + 1} (section {id}), byte offset {at}";
            if (index < 1 || length < SectionHeaderBytes || index - 1 + (long)length > record.Length)
            {
                throw Error(where, $"section of {length} bytes at index {index} lies outside the {record.Length}-byte record.");
            }

            if (!sections.TryAdd(id, new ScpSection(id, (int)index - 1, (int)length)))
            {
                throw Error(where, $"section {id} is listed twice.");
            }

            if (id == 0)
            {
                if (index - 1 != RecordHeaderBytes)
                {
                    throw Error(where, $"section 0 points to index {index} but it starts at index 7; the pointers are not 1-based (non-compliant writer).");
                }

                continue;
            }

            var h = SectionHeader(record, (int)index - 1, $"section {id}");
            if (h.Id != id || h.Length != length)
            {
                throw Error($"section {id}, byte offset {index - 1}", $"the section header says id {h.Id}, {h.Length} bytes, but section 0 says id {id}, {length} bytes.");
            }

            CheckCrc(record.Slice((int)index - 1, (int)length), $"section {id}", (int)index - 1, tolerateCrcErrors, warnings);
        }

        return sections;
    }

    private static (int Id, int Length) SectionHeader(ReadOnlySpan<byte> record, int offset, string where)
    {
        if (offset < 0 || offset + SectionHeaderBytes > record.Length)
        {
            throw Error($"{where}, byte offset {offset}", "the 16-byte section header lies outside the record.");
        }

        int id = BinaryPrimitives.ReadUInt16LittleEndian(record[(offset + 2)..]);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(record[(offset + 4)..]);
        if (length < SectionHeaderBytes || length > record.Length)
        {
            throw Error($"{where}, byte offset {offset + 4}", $"section length {length} is shorter than its header or longer than the record.");
        }

        return (id, (int)length);
    }

    private static void CheckCrc(ReadOnlySpan<byte> bytes, string what, int offset, bool tolerate, List<string> warnings)
    {
        ushort stored = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        ushort computed = ScpCrc.Compute(bytes[2..]);
        if (stored == computed)
        {
            return;
        }

        string problem = $"{what} CRC is 0x{stored:X4} but the bytes give 0x{computed:X4}; the file was damaged or altered.";
        if (!tolerate)
        {
            throw Error($"{what}, byte offset {offset}", problem);
        }

        warnings.Add(problem);
    }

    internal static EcgFormatException Error(string location, string problem) => new(EcgFileFormat.ScpEcg, location, problem);
}

/// <summary>Where a section lies in the record (0-based offset of its header, length including the header).</summary>
internal readonly record struct ScpSection(int Id, int Offset, int Length);
