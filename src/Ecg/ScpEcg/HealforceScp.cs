using System.Buffers.Binary;
using System.Globalization;
using Telemed.Ecg.Formats;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.ScpEcg;

/// <summary>
/// Best-effort reading of the SCP-ECG dialect of Healforce handhelds (Prince 180D), which breaks EN 1064 in ways a
/// compliant reader must refuse. Its deviations, as observed in the devices' files and documented by
/// KaibinBao/healforcescpecg: section 0 indices are 0-based byte offsets; the record length is a 16-bit field at byte 4
/// and the CRCs are not CRC-CCITT (nothing can be verified); section 3 announces more leads than it has room for;
/// section 6's "sample interval" holds the rate in Hz; the rhythm is one stream, not Huffman coded, of 12-bit words
/// (4 per 3 little-endian 16-bit words: three whole, the fourth from their bits 10–13) interleaving the leads, each a
/// 10-bit offset-binary sample (bits 0–9, minus 512) with beat markers above; section 1 dates are big-endian.
/// Every deviation the reader relies on is listed in the document's warnings.
/// </summary>
internal static class HealforceScp
{
    private const int Section0Offset = 6;

    /// <summary>Section 0's pointer to itself holds 6 (the 0-based offset) where compliant writers put the 1-based 7.</summary>
    public static bool Matches(ReadOnlySpan<byte> file) =>
        file.Length >= 32
        && !file.Slice(16, 6).SequenceEqual("SCPECG"u8)
        && BinaryPrimitives.ReadUInt16LittleEndian(file[8..]) == 0
        && BinaryPrimitives.ReadUInt16LittleEndian(file[22..]) == 0
        && BinaryPrimitives.ReadUInt32LittleEndian(file[28..]) == Section0Offset;

    public static EcgDocument Read(ReadOnlySpan<byte> file, string? name)
    {
        var warnings = new List<string>
        {
            "non-compliant SCP-ECG (Healforce dialect: 0-based section offsets, 16-bit record length, non-CCITT CRCs); read best effort, integrity could not be verified.",
        };
        var sections = Pointers(file);
        if (!sections.TryGetValue(3, out var s3) || !sections.TryGetValue(6, out var s6))
        {
            throw Error("section 0", "no section 3 or 6: the file has no signal.");
        }

        var metadata = sections.TryGetValue(1, out var s1) ? Patient(file.Slice(s1.Offset, s1.Length)) : EcgMetadata.Empty;

        // Section 3: lead count, flags, then as many 9-byte definitions as fit.
        var body3 = file.Slice(s3.Offset + 16, s3.Length - 16);
        if (body3.Length < 11)
        {
            throw Error($"section 3, byte offset {s3.Offset + 16}", "too short for one lead definition.");
        }

        int channels = body3[0];
        if (channels is < 1 or > 12)
        {
            throw Error($"section 3, byte offset {s3.Offset + 16}", $"{channels} interleaved channels is not a Healforce recording.");
        }

        var codes = new List<byte>();
        for (int at = 2; at + 9 <= body3.Length && codes.Count < channels; at += 9)
        {
            codes.Add(body3[at + 8]);
        }

        if (codes.Count < channels)
        {
            warnings.Add($"section 3 announces {channels} leads but holds {codes.Count} definition(s); the other channels were left out.");
        }

        // Section 6: AVM (nV), the rate in Hz where the interval belongs, two flags, one stream length, the stream.
        var body6 = file.Slice(s6.Offset + 16, s6.Length - 16);
        if (body6.Length < 8)
        {
            throw Error($"section 6, byte offset {s6.Offset + 16}", "too short for its header.");
        }

        int avm = BinaryPrimitives.ReadUInt16LittleEndian(body6);
        int rate = BinaryPrimitives.ReadUInt16LittleEndian(body6[2..]);
        int length = BinaryPrimitives.ReadUInt16LittleEndian(body6[6..]);
        if (avm == 0 || rate is < 50 or > 2000 || body6[4] != 0 || body6[5] != 0)
        {
            throw Error($"section 6, byte offset {s6.Offset + 16}", $"AVM {avm} nV, rate {rate} Hz, difference encoding {body6[4]}, bimodal {body6[5]} is not the Healforce layout.");
        }

        warnings.Add(string.Create(CultureInfo.InvariantCulture, $"section 6 sample interval field holds {rate}, taken as the rate in Hz."));
        if (8 + length > body6.Length)
        {
            throw Error($"section 6, byte offset {s6.Offset + 22}", $"stream of {length} bytes runs past the section.");
        }

        var words = Unpack(body6.Slice(8, length));
        int perChannel = words.Length / channels;
        if (perChannel == 0)
        {
            throw Error($"section 6, byte offset {s6.Offset + 24}", "the stream holds no samples.");
        }

        var leads = new List<EcgLead>(codes.Count);
        double gain = 1e6 / avm;
        for (int c = 0; c < codes.Count; c++)
        {
            var samples = new int[perChannel];
            for (int t = 0; t < perChannel; t++)
            {
                samples[t] = (words[(t * channels) + c] & 0x3FF) - 512; // bits 14–15 are the device's beat markers
            }

            leads.Add(new EcgLead(ScpLeadCodes.Id(codes[c]), ScpLeadCodes.Label(codes[c]), samples, gain, 0));
        }

        return new EcgDocument(EcgFileFormat.ScpEcg, new EcgRecording(rate, leads, name), metadata, warnings);
    }

    private static Dictionary<int, ScpSection> Pointers(ReadOnlySpan<byte> file)
    {
        uint length0 = BinaryPrimitives.ReadUInt32LittleEndian(file[10..]);
        if (length0 < 26 || Section0Offset + length0 > file.Length)
        {
            throw Error("section 0, byte offset 10", $"section length {length0} does not fit the {file.Length}-byte file.");
        }

        var sections = new Dictionary<int, ScpSection>();
        for (int at = Section0Offset + 16; at + 10 <= Section0Offset + length0; at += 10)
        {
            int id = BinaryPrimitives.ReadUInt16LittleEndian(file[at..]);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(file[(at + 2)..]);
            uint offset = BinaryPrimitives.ReadUInt32LittleEndian(file[(at + 6)..]);
            if (length == 0)
            {
                continue;
            }

            if (length < 16 || offset >= file.Length || file.Length - offset < 16)
            {
                throw Error($"section 0, byte offset {at}", $"section {id} of {length} bytes at offset {offset} lies outside the {file.Length}-byte file.");
            }

            // The device writes section lengths longer than the data it stores; keep what the file holds.
            sections[id] = new ScpSection(id, (int)offset, (int)Math.Min(length, file.Length - offset));
        }

        return sections;
    }

    /// <summary>Four 12-bit values per three 16-bit words: the words themselves, then one made of their bits 10–13.</summary>
    private static int[] Unpack(ReadOnlySpan<byte> stream)
    {
        int groups = stream.Length / 6;
        var values = new int[groups * 4];
        for (int g = 0; g < groups; g++)
        {
            int w0 = BinaryPrimitives.ReadUInt16LittleEndian(stream[(6 * g)..]);
            int w1 = BinaryPrimitives.ReadUInt16LittleEndian(stream[((6 * g) + 2)..]);
            int w2 = BinaryPrimitives.ReadUInt16LittleEndian(stream[((6 * g) + 4)..]);
            values[4 * g] = w0;
            values[(4 * g) + 1] = w1;
            values[(4 * g) + 2] = w2;
            values[(4 * g) + 3] = ((w0 & 0x3C00) >> 2) | ((w1 & 0x3C00) >> 6) | ((w2 & 0x3C00) >> 10);
        }

        return values;
    }

    /// <summary>Section 1 tags 2 (patient id), 25 and 26 (date with a big-endian year, time); other tags are skipped.</summary>
    private static EcgMetadata Patient(ReadOnlySpan<byte> section)
    {
        var metadata = new EcgMetadata();
        DateOnly? date = null;
        TimeOnly? time = null;
        for (int at = 16; at + 3 <= section.Length;)
        {
            byte tag = section[at];
            int length = BinaryPrimitives.ReadUInt16LittleEndian(section[(at + 1)..]);
            if (tag == 255 || length == 0 || at + 3 + length > section.Length)
            {
                break;
            }

            var value = section.Slice(at + 3, length);
            if (tag == 2)
            {
                string id = System.Text.Encoding.Latin1.GetString(value).TrimEnd('\0').Trim();
                metadata = metadata with { PatientId = id.Length > 0 ? id : null };
            }
            else if (tag == 25 && length >= 4)
            {
                int year = BinaryPrimitives.ReadUInt16BigEndian(value);
                if (year is >= 1900 and <= 9999 && value[2] is >= 1 and <= 12 && value[3] >= 1 && value[3] <= DateTime.DaysInMonth(year, value[2]))
                {
                    date = new DateOnly(year, value[2], value[3]);
                }
            }
            else if (tag == 26 && length >= 3 && value[0] < 24 && value[1] < 60 && value[2] < 60)
            {
                time = new TimeOnly(value[0], value[1], value[2]);
            }

            at += 3 + length;
        }

        return date is DateOnly d ? metadata with { AcquisitionTime = d.ToDateTime(time ?? TimeOnly.MinValue) } : metadata;
    }

    private static EcgFormatException Error(string location, string problem) =>
        new(EcgFileFormat.ScpEcg, location, "(Healforce dialect) " + problem);
}
