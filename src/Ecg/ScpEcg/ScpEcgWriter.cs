using System.Buffers.Binary;
using System.Text;
using Telemed.Ecg.Detection;
using Telemed.Ecg.Formats;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.ScpEcg;

/// <summary>
/// Writes an <see cref="EcgRecording"/> as an SCP-ECG v2.0 record (EN 1064:2005): sections 0, 1, 3 and 6, section 2
/// for Huffman coding, and 4 and 5 when a reference beat is subtracted. Samples are rounded to the chosen amplitude
/// multiplier; everything after that is lossless, so reading the record back gives exactly the rounded samples.
/// Used to generate test fixtures and to export recordings for carts' viewers.
/// </summary>
public static class ScpEcgWriter
{
    private const byte Version = 20; // section and protocol version 2.0
    private const int SectionCount = 12; // EN 1064 §5.4: section 0 lists sections 0–11 even when absent

    // Reference beat window around the fiducial: the whole P–QRS–T of a resting beat.
    private const double BeforeFiducialSeconds = 0.25;
    private const double AfterFiducialSeconds = 0.45;

    public static void Write(string path, EcgRecording recording, EcgMetadata? metadata = null, ScpEcgWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        File.WriteAllBytes(path, Write(recording, metadata, options));
    }

    public static byte[] Write(EcgRecording recording, EcgMetadata? metadata = null, ScpEcgWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(recording);
        options ??= new ScpEcgWriterOptions();
        metadata ??= EcgMetadata.Empty;
        if (options.NanovoltsPerUnit is < 1 or > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.NanovoltsPerUnit, "The amplitude multiplier is a 16-bit number of nanovolts.");
        }

        if (recording.Leads.Count > byte.MaxValue)
        {
            throw new ArgumentException($"SCP-ECG holds at most 255 leads, not {recording.Leads.Count}.", nameof(recording));
        }

        int interval = (int)Math.Round(1e6 / recording.SamplingRate);
        if (interval is < 1 or > ushort.MaxValue)
        {
            throw new ArgumentException($"{recording.SamplingRate} Hz has no 16-bit sample interval in microseconds.", nameof(recording));
        }

        var samples = Quantise(recording, options.NanovoltsPerUnit);
        var tables = options.Huffman == ScpHuffmanCoding.None ? null : ScpHuffmanTable.Default;
        var sections = new Dictionary<int, byte[]>
        {
            [1] = PatientSection(metadata),
        };
        if (options.Huffman != ScpHuffmanCoding.None)
        {
            sections[2] = HuffmanSection(options.Huffman);
        }

        bool subtracted = false;
        List<(int Start, int Fiducial, int End)>? protectedZones = null;
        if (options.SubtractReferenceBeat)
        {
            var fiducials = options.QrsFiducials ?? QrsDetector.Detect(recording).Select(b => b.Sample).ToList();
            if (ReferenceBeat(samples, fiducials, recording.SamplingRate, interval) is { } beat)
            {
                sections[4] = QrsSection(beat, interval);
                sections[5] = SignalSection(5, beat.Values, options, interval, tables, flag: 0);
                subtracted = true;
                protectedZones = beat.Zones;
            }
        }

        sections[3] = LeadSection(recording, subtracted);
        if (options.BimodalFactor is < 1 or > ScpBimodal.MaxFactor)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BimodalFactor, "The bimodal factor is 1 (off) to 4.");
        }

        if (options.BimodalFactor > 1)
        {
            if (!subtracted || (long)interval * options.BimodalFactor > ushort.MaxValue)
            {
                throw new ArgumentException("Bimodal compression needs reference beat subtraction (its QRS zones are the protected zones) and a decimated interval below 65536 µs.", nameof(options));
            }

            var runs = ScpBimodal.Layout(recording.Length, protectedZones!.Select(z => ((long)z.Start, (long)z.End)));
            var decimated = samples.Select(lead => ScpBimodal.Decimate(lead, runs, options.BimodalFactor)).ToArray();
            sections[6] = SignalSection(6, decimated, options, interval * options.BimodalFactor, tables, flag: 1);
        }
        else
        {
            sections[6] = SignalSection(6, samples, options, interval, tables, flag: 0);
        }
        return Assemble(sections);
    }

    private static int[][] Quantise(EcgRecording recording, int nanovolts)
    {
        var result = new int[recording.Leads.Count][];
        for (int l = 0; l < result.Length; l++)
        {
            var lead = recording.Leads[l];
            if (!lead.IsVoltage)
            {
                throw new ArgumentException($"Lead {lead.Label} is in '{lead.Units}', not a voltage; SCP-ECG stores ECG voltages only.", nameof(recording));
            }

            var values = new int[lead.Length];
            for (int t = 0; t < values.Length; t++)
            {
                double units = Math.Round(lead[t] * 1e6 / nanovolts);
                if (units is > short.MaxValue or < short.MinValue)
                {
                    throw new ArgumentException($"Lead {lead.Label}, sample {t}: {lead[t]} mV needs more than 16 bits at {nanovolts} nV per unit; choose a larger multiplier.", nameof(recording));
                }

                values[t] = (int)units;
            }

            result[l] = values;
        }

        return result;
    }

    private sealed record ReferenceBeatData(int[][] Values, int Fiducial, List<(int Start, int Fiducial, int End)> Zones);

    /// <summary>
    /// Per-lead median of the beats whose whole window lies in the recording, subtracted from <paramref name="samples"/> in
    /// each beat's zone (1-based sample numbers, zones clipped so they never overlap). Null when no beat fits.
    /// </summary>
    private static ReferenceBeatData? ReferenceBeat(int[][] samples, IReadOnlyList<long> fiducials, double rate, int interval)
    {
        int n = samples[0].Length;
        int before = (int)Math.Round(BeforeFiducialSeconds * rate);
        int length = before + (int)Math.Round(AfterFiducialSeconds * rate) + 1;

        // Section 4 stores the length in whole milliseconds; keep a length the reader recovers exactly.
        while (length > before + 1 && (int)Math.Round(Math.Round(length * interval / 1000.0) * 1000.0 / interval) != length)
        {
            length--;
        }

        var inside = fiducials.Where(f => f - before >= 0 && f - before + length <= n).Select(f => (int)f).Order().ToList();
        if (inside.Count == 0)
        {
            return null;
        }

        var values = new int[samples.Length][];
        var column = new int[inside.Count];
        for (int l = 0; l < samples.Length; l++)
        {
            values[l] = new int[length];
            for (int k = 0; k < length; k++)
            {
                for (int b = 0; b < inside.Count; b++)
                {
                    column[b] = samples[l][inside[b] - before + k];
                }

                Array.Sort(column);
                values[l][k] = column[column.Length / 2];
            }
        }

        var zones = new List<(int Start, int Fiducial, int End)>(inside.Count);
        for (int b = 0; b < inside.Count; b++)
        {
            int start = inside[b] - before + 1;
            int end = start + length - 1;
            if (zones.Count > 0 && start <= zones[^1].End)
            {
                start = zones[^1].End + 1;
            }

            if (start > inside[b] + 1)
            {
                continue; // the previous beat's zone already covers this fiducial
            }

            zones.Add((start, inside[b] + 1, end));
            for (int l = 0; l < samples.Length; l++)
            {
                for (int s = start; s <= end; s++)
                {
                    samples[l][s - 1] -= values[l][s - 1 - (inside[b] - before)];
                }
            }
        }

        return new ReferenceBeatData(values, before + 1, zones);
    }

    private static byte[] QrsSection(ReferenceBeatData beat, int interval)
    {
        var body = new byte[6 + (beat.Zones.Count * 14) + (beat.Zones.Count * 8)];
        int lengthMs = (int)Math.Round(beat.Values[0].Length * interval / 1000.0);
        BinaryPrimitives.WriteUInt16LittleEndian(body, (ushort)lengthMs);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(2), (ushort)beat.Fiducial);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(4), checked((ushort)beat.Zones.Count));
        for (int q = 0; q < beat.Zones.Count; q++)
        {
            var zone = beat.Zones[q];
            var entry = body.AsSpan(6 + (q * 14));
            BinaryPrimitives.WriteUInt16LittleEndian(entry, 0); // beat type 0: the reference beat was subtracted
            BinaryPrimitives.WriteUInt32LittleEndian(entry[2..], (uint)zone.Start);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[6..], (uint)zone.Fiducial);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[10..], (uint)zone.End);

            // Protected zones (used by bimodal compression, which we do not write) equal the subtraction zones.
            var protectedZone = body.AsSpan(6 + (beat.Zones.Count * 14) + (q * 8));
            BinaryPrimitives.WriteUInt32LittleEndian(protectedZone, (uint)zone.Start);
            BinaryPrimitives.WriteUInt32LittleEndian(protectedZone[4..], (uint)zone.End);
        }

        return body;
    }

    private static byte[] SignalSection(int id, int[][] leads, ScpEcgWriterOptions options, int interval, ScpHuffmanTable? table, byte flag)
    {
        var encoded = new byte[leads.Length][];
        for (int l = 0; l < leads.Length; l++)
        {
            encoded[l] = EncodeLead(leads[l], options.Differences, table, id, l);
            if (encoded[l].Length > ushort.MaxValue)
            {
                throw new ArgumentException($"Section {id}, lead {l + 1}: {encoded[l].Length} encoded bytes exceed the 16-bit length field; write a shorter recording.");
            }
        }

        var body = new byte[6 + (2 * leads.Length) + encoded.Sum(e => e.Length)];
        BinaryPrimitives.WriteUInt16LittleEndian(body, (ushort)options.NanovoltsPerUnit);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(2), (ushort)interval);
        body[4] = (byte)options.Differences;
        body[5] = flag;
        int at = 6 + (2 * leads.Length);
        for (int l = 0; l < leads.Length; l++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(6 + (2 * l)), (ushort)encoded[l].Length);
            encoded[l].CopyTo(body, at);
            at += encoded[l].Length;
        }

        return body;
    }

    private static byte[] EncodeLead(int[] samples, ScpDifferenceEncoding differences, ScpHuffmanTable? table, int section, int lead)
    {
        var bits = new ScpBitWriter();
        var raw = table is null ? new byte[2 * samples.Length] : null;
        for (int i = 0; i < samples.Length; i++)
        {
            long value = differences switch
            {
                ScpDifferenceEncoding.First when i >= 1 => samples[i] - (long)samples[i - 1],
                ScpDifferenceEncoding.Second when i >= 2 => samples[i] - (2L * samples[i - 1]) + samples[i - 2],
                _ => samples[i],
            };
            if (value is > short.MaxValue or < short.MinValue)
            {
                throw new ArgumentException($"Section {section}, lead {lead + 1}, sample {i}: encoded value {value} exceeds 16 bits; choose a larger multiplier or no difference encoding.");
            }

            if (raw is not null)
            {
                BinaryPrimitives.WriteInt16LittleEndian(raw.AsSpan(2 * i), (short)value);
                continue;
            }

            int entry = table!.EntryFor((int)value);
            bits.Write(table.Code(entry), table.PrefixBits(entry));
            if (table.ExtraBits(entry) is int extra and > 0)
            {
                bits.Write((uint)(value - table.BaseValue(entry)) & ((1u << extra) - 1), extra);
            }
        }

        return raw ?? bits.ToArray();
    }

    private static byte[] HuffmanSection(ScpHuffmanCoding coding)
    {
        if (coding == ScpHuffmanCoding.DefaultTable)
        {
            return BitConverter.GetBytes(ScpHuffmanTable.DefaultTableMarker);
        }

        var table = ScpHuffmanTable.Default;
        var body = new byte[4 + (table.Count * 9)];
        BinaryPrimitives.WriteUInt16LittleEndian(body, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(2), (ushort)table.Count);
        for (int i = 0; i < table.Count; i++)
        {
            var s = body.AsSpan(4 + (i * 9));
            s[0] = (byte)table.PrefixBits(i);
            s[1] = (byte)(table.PrefixBits(i) + table.ExtraBits(i));
            s[2] = 1; // a value, not a table switch
            BinaryPrimitives.WriteInt16LittleEndian(s[3..], table.BaseValue(i));
            BinaryPrimitives.WriteUInt32LittleEndian(s[5..], ScpSignalSections.ReverseBits(table.Code(i), table.PrefixBits(i)));
        }

        return body;
    }

    private static byte[] LeadSection(EcgRecording recording, bool subtracted)
    {
        int count = recording.Leads.Count;
        var body = new byte[2 + (9 * count)];
        body[0] = (byte)count;

        // Bit 0: reference beat subtracted; bit 2: all leads recorded simultaneously; bits 3–7: how many.
        body[1] = (byte)((subtracted ? 1 : 0) | 0b100 | (Math.Min(count, 31) << 3));
        for (int l = 0; l < count; l++)
        {
            var s = body.AsSpan(2 + (9 * l));
            BinaryPrimitives.WriteUInt32LittleEndian(s, 1);
            BinaryPrimitives.WriteUInt32LittleEndian(s[4..], (uint)recording.Length);
            s[8] = ScpLeadCodes.Code(recording.Leads[l].Id);
        }

        return body;
    }

    private static byte[] PatientSection(EcgMetadata metadata)
    {
        var tags = new List<byte>();
        void Tag(byte tag, ReadOnlySpan<byte> value)
        {
            tags.Add(tag);
            tags.Add((byte)value.Length);
            tags.Add((byte)(value.Length >> 8));
            tags.AddRange(value);
        }

        void Text(byte tag, string? text)
        {
            if (text is not null)
            {
                Tag(tag, [.. Encoding.UTF8.GetBytes(text), 0]);
            }
        }

        static byte[] Date(DateOnly date) => [(byte)date.Year, (byte)(date.Year >> 8), (byte)date.Month, (byte)date.Day];

        Text(0, metadata.FamilyName);
        Text(1, metadata.GivenName);
        Text(2, metadata.PatientId ?? ""); // tag 2 is mandatory
        if (metadata.AgeYears is int age and >= 0 and <= ushort.MaxValue)
        {
            Tag(4, [(byte)age, (byte)(age >> 8), 1]);
        }

        if (metadata.BirthDate is DateOnly birth)
        {
            Tag(5, Date(birth));
        }

        if (metadata.Sex is Sex sex)
        {
            Tag(8, [sex == Sex.Male ? (byte)1 : (byte)2]);
        }

        // Tag 14 (mandatory): institution, department, device id, device type 0 (cart), manufacturer 255 (other),
        // 6-byte model, protocol revision, compatibility, language 0 (8-bit ASCII), capabilities, mains, 16 reserved,
        // then the revision, serial number, software and SCP implementation strings and the manufacturer, each ending in 0.
        var device = new byte[36];
        device[7] = 255;
        var model = Encoding.ASCII.GetBytes(metadata.Device ?? "");
        model.AsSpan(0, Math.Min(model.Length, 6)).CopyTo(device.AsSpan(8));
        device[14] = Version;
        device[15] = 0xA0; // compatibility level I–IV
        Tag(14, [.. device, 0, 0, 0, .. "Telemed"u8, 0, 0]);
        if (metadata.AcquisitionTime is DateTime at)
        {
            Tag(25, Date(DateOnly.FromDateTime(at)));
            Tag(26, [(byte)at.Hour, (byte)at.Minute, (byte)at.Second]);
        }

        Tag(255, []);
        return [.. tags];
    }

    private static byte[] Assemble(Dictionary<int, byte[]> bodies)
    {
        // Sections are padded to an even length (EN 1064 §5.3).
        var sections = bodies.OrderBy(p => p.Key).Select(p => (p.Key, Length: 16 + p.Value.Length + (p.Value.Length & 1), Body: p.Value)).ToList();
        int section0 = 16 + (SectionCount * 10);
        int total = 6 + section0 + sections.Sum(s => s.Length);
        var record = new byte[total];
        var index = new Dictionary<int, (int Offset, int Length)> { [0] = (6, section0) };
        int at = 6 + section0;
        foreach (var (id, length, body) in sections)
        {
            index[id] = (at, length);
            body.CopyTo(record, at + 16);
            SectionHeader(record.AsSpan(at, length), id);
            at += length;
        }

        var pointers = record.AsSpan(6 + 16);
        for (int id = 0; id < SectionCount; id++)
        {
            var p = pointers.Slice(id * 10, 10);
            BinaryPrimitives.WriteUInt16LittleEndian(p, (ushort)id);
            if (index.TryGetValue(id, out var s))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(p[2..], (uint)s.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(p[6..], (uint)s.Offset + 1); // 1-based byte index
            }
        }

        "SCPECG"u8.CopyTo(record.AsSpan(6 + 10));
        SectionHeader(record.AsSpan(6, section0), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(2), (uint)total);
        BinaryPrimitives.WriteUInt16LittleEndian(record, ScpCrc.Compute(record.AsSpan(2)));
        return record;
    }

    /// <summary>Fills the 16-byte header of a section whose body is already in place, CRC last.</summary>
    private static void SectionHeader(Span<byte> section, int id)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(section[2..], (ushort)id);
        BinaryPrimitives.WriteUInt32LittleEndian(section[4..], (uint)section.Length);
        section[8] = Version;
        section[9] = Version;
        BinaryPrimitives.WriteUInt16LittleEndian(section, ScpCrc.Compute(section[2..]));
    }
}
