using System.Buffers.Binary;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.ScpEcg;

/// <summary>
/// Sections 2–6 (EN 1064 §5.6–§5.9) to leads: Huffman tables, lead definitions, QRS locations, the reference beat and the
/// rhythm data; the full signal is the decoded rhythm residual plus the reference beat in each subtraction zone.
/// </summary>
internal static class ScpSignalSections
{
    private const int Header = 16;

    public static EcgRecording Read(ReadOnlySpan<byte> record, Dictionary<int, ScpSection> sections, string? name, List<string> warnings)
    {
        if (!sections.TryGetValue(3, out var s3))
        {
            throw ScpEcgReader.Error("section 0", "no section 3 (lead definition); the record has no signal.");
        }

        if (!sections.TryGetValue(6, out var s6))
        {
            throw ScpEcgReader.Error("section 0", "no section 6 (rhythm data); only records with rhythm data can be read.");
        }

        var tables = sections.TryGetValue(2, out var s2) ? ReadTables(record.Slice(s2.Offset, s2.Length), s2.Offset) : null;
        var leads = ReadLeads(record.Slice(s3.Offset, s3.Length), s3.Offset, out bool referenceBeatSubtracted);
        int n = leads[0].Count;
        var body6 = record.Slice(s6.Offset + Header, s6.Length - Header);
        var bimodal = body6.Length >= 6 && body6[5] != 0 ? BimodalLayout(record, sections, body6, s6.Offset, n) : null;
        long stored = bimodal is null ? n : ScpBimodal.StoredCount(bimodal.Value.Runs, bimodal.Value.Factor);
        var rhythm = ReadSignalSection(record.Slice(s6.Offset, s6.Length), s6.Offset, 6, leads.Length, (int)stored, tables);
        if (bimodal is { } layout)
        {
            for (int lead = 0; lead < leads.Length; lead++)
            {
                rhythm.Samples[lead] = ScpBimodal.Expand(rhythm.Samples[lead], layout.Runs, layout.Factor, n);
            }

            rhythm = rhythm with { IntervalMicroseconds = layout.FullInterval };
        }

        if (referenceBeatSubtracted)
        {
            AddReferenceBeat(record, sections, rhythm, leads.Length, tables, warnings);
        }

        double rate = SamplingRate(rhythm.IntervalMicroseconds);
        double gain = 1e6 / rhythm.NanovoltsPerUnit; // ADC units per millivolt
        var result = new EcgLead[leads.Length];
        for (int i = 0; i < leads.Length; i++)
        {
            result[i] = new EcgLead(ScpLeadCodes.Id(leads[i].Code), ScpLeadCodes.Label(leads[i].Code), rhythm.Samples[i], gain, 0);
        }

        return new EcgRecording(rate, result, name);
    }

    /// <summary>
    /// Bimodal rhythm data: the decimation factor is section 6's interval over section 5's (a whole 2–4), the full rate is
    /// section 5's, and the protected zones follow section 4's QRS table (start and end, 4 bytes each, per QRS).
    /// Null when the factor is 1 (nothing was decimated).
    /// </summary>
    private static (List<(int Start, int Length, bool Protected)> Runs, int Factor, int FullInterval)? BimodalLayout(
        ReadOnlySpan<byte> record, Dictionary<int, ScpSection> sections, ReadOnlySpan<byte> body6, int offset6, int n)
    {
        string where = $"section 6, byte offset {offset6 + Header + 5}";
        if (!sections.TryGetValue(4, out var s4) || !sections.TryGetValue(5, out var s5) || s5.Length < Header + 4 || body6.Length < 4)
        {
            throw ScpEcgReader.Error(where, "bimodal compression needs sections 4 (protected zones) and 5 (the full sample interval).");
        }

        int interval5 = BinaryPrimitives.ReadUInt16LittleEndian(record[(s5.Offset + Header + 2)..]);
        int interval6 = BinaryPrimitives.ReadUInt16LittleEndian(body6[2..]);
        if (interval5 == 0 || interval6 % interval5 != 0 || interval6 / interval5 is < 1 or > ScpBimodal.MaxFactor)
        {
            throw ScpEcgReader.Error(where, $"bimodal rhythm interval {interval6} µs is not 1–4 times the reference beat's {interval5} µs.");
        }

        if (interval6 == interval5)
        {
            return null;
        }

        var body4 = record.Slice(s4.Offset + Header, s4.Length - Header);
        int qrsCount = body4.Length >= 6 ? BinaryPrimitives.ReadUInt16LittleEndian(body4[4..]) : -1;
        int zonesAt = 6 + (14 * qrsCount);
        if (qrsCount < 0 || zonesAt + (8 * qrsCount) > body4.Length)
        {
            throw ScpEcgReader.Error($"section 4, byte offset {s4.Offset + Header}", "bimodal compression needs the protected zone of every QRS, and the section ends before them.");
        }

        var zones = new (long Start, long End)[qrsCount];
        for (int q = 0; q < qrsCount; q++)
        {
            var zone = body4[(zonesAt + (8 * q))..];
            zones[q] = (BinaryPrimitives.ReadUInt32LittleEndian(zone), BinaryPrimitives.ReadUInt32LittleEndian(zone[4..]));
        }

        return (ScpBimodal.Layout(n, zones), interval6 / interval5, interval5);
    }

    /// <summary>
    /// Section 6 stores the sample interval in whole microseconds, so 600 Hz arrives as 1667 µs; the whole-Hz rate whose
    /// interval rounds to the stored value is the rate the device used, otherwise the exact reciprocal is returned.
    /// </summary>
    internal static double SamplingRate(int intervalMicroseconds)
    {
        double exact = 1e6 / intervalMicroseconds;
        double whole = Math.Round(exact);
        return whole > 0 && Math.Round(1e6 / whole) == intervalMicroseconds ? whole : exact;
    }

    private static ScpHuffmanTable[] ReadTables(ReadOnlySpan<byte> section, int offset)
    {
        var body = section[Header..];
        if (body.Length < 2)
        {
            throw ScpEcgReader.Error($"section 2, byte offset {offset + Header}", "no table count.");
        }

        int count = BinaryPrimitives.ReadUInt16LittleEndian(body);
        if (count == ScpHuffmanTable.DefaultTableMarker)
        {
            return [ScpHuffmanTable.Default];
        }

        // Each table needs at least its 2-byte structure count, so the count is bounded by the section's size.
        if (count == 0 || count * 2 > body.Length - 2)
        {
            throw ScpEcgReader.Error($"section 2, byte offset {offset + Header}", $"{count} Huffman tables cannot fit in a {body.Length}-byte section.");
        }

        var tables = new ScpHuffmanTable[count];
        int at = 2;
        for (int t = 0; t < count; t++)
        {
            string where = $"section 2, table {t + 1}, byte offset {offset + Header + at}";
            if (at + 2 > body.Length)
            {
                throw ScpEcgReader.Error(where, "the section ends before the table.");
            }

            int structures = BinaryPrimitives.ReadUInt16LittleEndian(body[at..]);
            at += 2;
            if (structures == 0 || at + (structures * 9) > body.Length)
            {
                throw ScpEcgReader.Error(where, $"{structures} code structures of 9 bytes cannot fit in the section.");
            }

            var prefix = new byte[structures];
            var total = new byte[structures];
            var switches = new bool[structures];
            var values = new short[structures];
            var codes = new uint[structures];
            for (int s = 0; s < structures; s++, at += 9)
            {
                prefix[s] = body[at];
                total[s] = body[at + 1];
                switches[s] = body[at + 2] == 0; // table mode switch: 1 = a value, 0 = change to table "base value"
                values[s] = BinaryPrimitives.ReadInt16LittleEndian(body[(at + 3)..]);

                // §5.6.2: the base code is stored with its first transmitted bit in the least significant position.
                uint stored = BinaryPrimitives.ReadUInt32LittleEndian(body[(at + 5)..]);
                codes[s] = prefix[s] is >= 1 and <= 32 ? ReverseBits(stored, prefix[s]) : stored;
            }

            if (ScpHuffmanTable.Problem(prefix, total, codes) is string problem)
            {
                throw ScpEcgReader.Error(where, problem);
            }

            tables[t] = new ScpHuffmanTable(prefix, total, switches, values, codes);
        }

        return tables;
    }

    internal static uint ReverseBits(uint value, int bits)
    {
        uint result = 0;
        for (int i = 0; i < bits; i++)
        {
            result = (result << 1) | ((value >> i) & 1);
        }

        return result;
    }

    private static ScpLeadDefinition[] ReadLeads(ReadOnlySpan<byte> section, int offset, out bool referenceBeatSubtracted)
    {
        var body = section[Header..];
        if (body.Length < 2)
        {
            throw ScpEcgReader.Error($"section 3, byte offset {offset + Header}", "no lead count.");
        }

        int count = body[0];
        referenceBeatSubtracted = (body[1] & 1) != 0;
        if (count == 0 || 2 + (count * 9) > body.Length)
        {
            throw ScpEcgReader.Error($"section 3, byte offset {offset + Header}", $"{count} leads of 9 bytes each cannot fit in the {body.Length}-byte section body.");
        }

        var leads = new ScpLeadDefinition[count];
        for (int i = 0; i < count; i++)
        {
            int at = 2 + (i * 9);
            uint start = BinaryPrimitives.ReadUInt32LittleEndian(body[at..]);
            uint end = BinaryPrimitives.ReadUInt32LittleEndian(body[(at + 4)..]);
            if (start < 1 || end < start || end - start >= int.MaxValue)
            {
                throw ScpEcgReader.Error($"section 3, lead {i + 1}, byte offset {offset + Header + at}", $"sample range {start}–{end} is empty or invalid.");
            }

            if (i > 0 && (start != leads[0].Start || end != leads[0].End))
            {
                throw ScpEcgReader.Error($"section 3, lead {i + 1}, byte offset {offset + Header + at}", $"samples {start}–{end} differ from lead 1's {leads[0].Start}–{leads[0].End}; leads recorded at different times are not supported.");
            }

            leads[i] = new ScpLeadDefinition(start, end, body[at + 8]);
        }

        return leads;
    }

    /// <summary>Sections 5 and 6 share a layout: AVM (nV), sample interval (µs), difference encoding, a flag, per-lead byte counts, data.</summary>
    private static ScpSignalData ReadSignalSection(ReadOnlySpan<byte> section, int offset, int id, int leadCount, int samplesPerLead, ScpHuffmanTable[]? tables)
    {
        var body = section[Header..];
        int dataStart = 6 + (2 * leadCount);
        string where = $"section {id}, byte offset {offset + Header}";
        if (body.Length < dataStart)
        {
            throw ScpEcgReader.Error(where, $"the {body.Length}-byte body is too short for its header and {leadCount} lead lengths.");
        }

        int avm = BinaryPrimitives.ReadUInt16LittleEndian(body);
        int interval = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
        int differences = body[4];
        bool flag = body[5] != 0;
        if (avm == 0 || interval == 0)
        {
            throw ScpEcgReader.Error(where, $"amplitude value multiplier {avm} nV and sample interval {interval} µs must both be positive.");
        }

        if (differences > 2)
        {
            throw ScpEcgReader.Error($"section {id}, byte offset {offset + Header + 4}", $"difference encoding {differences} is not 0 (none), 1 (first) or 2 (second).");
        }

        var samples = new int[leadCount][];
        int at = dataStart;
        for (int lead = 0; lead < leadCount; lead++)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(body[(6 + (2 * lead))..]);
            string leadWhere = $"section {id}, lead {lead + 1}, byte offset {offset + Header + at}";
            if (at + length > body.Length)
            {
                throw ScpEcgReader.Error(leadWhere, $"{length} bytes of lead data run past the end of the section.");
            }

            samples[lead] = DecodeLead(body.Slice(at, length), samplesPerLead, tables, differences, leadWhere);
            at += length;
        }

        return new ScpSignalData(avm, interval, differences, flag, samples);
    }

    /// <summary>Huffman (or 16-bit raw) values, then the difference encoding undone; allocation is bounded by the data's size.</summary>
    private static int[] DecodeLead(ReadOnlySpan<byte> data, int count, ScpHuffmanTable[]? tables, int differences, string where)
    {
        // The shortest Huffman code has one bit, a raw value two bytes: more samples than that cannot be in the data.
        long capacity = tables is null ? data.Length / 2 : (long)data.Length * 8;
        if (count > capacity)
        {
            throw ScpEcgReader.Error(where, $"{count} samples cannot be encoded in {data.Length} bytes.");
        }

        var values = new int[count];
        if (tables is null)
        {
            for (int i = 0; i < count; i++)
            {
                values[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]);
            }
        }
        else
        {
            DecodeHuffman(data, values, tables, where);
        }

        Integrate(values, differences, where);
        return values;
    }

    private static void DecodeHuffman(ReadOnlySpan<byte> data, Span<int> values, ScpHuffmanTable[] tables, string where)
    {
        var bits = new ScpBitReader(data);
        var table = tables[0];
        int switches = 0;
        for (int i = 0; i < values.Length;)
        {
            int entry = table.DecodeEntry(ref bits);
            if (entry < 0)
            {
                throw ScpEcgReader.Error(where, $"sample {i + 1}: no Huffman code matches at bit {bits.BitPosition} (or the data ends there).");
            }

            if (table.SwitchesTable(entry))
            {
                int next = table.BaseValue(entry);
                if (next < 1 || next > tables.Length || ++switches > values.Length)
                {
                    throw ScpEcgReader.Error(where, $"sample {i + 1}: switch to Huffman table {next} of {tables.Length}.");
                }

                table = tables[next - 1];
                continue;
            }

            int extra = table.ExtraBits(entry);
            if (extra == 0)
            {
                values[i++] = table.BaseValue(entry);
                continue;
            }

            if (!bits.TryRead(extra, out uint raw))
            {
                throw ScpEcgReader.Error(where, $"sample {i + 1}: the data ends inside a {extra}-bit escaped value.");
            }

            // The escaped value is two's complement, offset by the structure's base value (0 in the default table).
            values[i++] = ((int)(raw << (32 - extra)) >> (32 - extra)) + table.BaseValue(entry);
        }
    }

    /// <summary>EN 1064 §5.9: first differences x[n] = d[n] + x[n−1]; second x[n] = d[n] + 2x[n−1] − x[n−2]; the first one or two values are samples.</summary>
    private static void Integrate(Span<int> values, int differences, string where)
    {
        if (differences == 0)
        {
            return;
        }

        long previous = 0;
        long beforePrevious = 0;
        for (int i = 0; i < values.Length; i++)
        {
            long x = differences == 1
                ? (i < 1 ? values[i] : values[i] + previous)
                : (i < 2 ? values[i] : values[i] + (2 * previous) - beforePrevious);
            if (x is > int.MaxValue or < int.MinValue)
            {
                throw ScpEcgReader.Error(where, $"sample {i + 1}: the differences sum to {x}, beyond any ADC range.");
            }

            values[i] = (int)x;
            beforePrevious = previous;
            previous = x;
        }
    }

    /// <summary>
    /// Section 4 lists each QRS's subtraction zone and fiducial; in zones of beat type 0 the encoder subtracted the
    /// section 5 reference beat aligned on the fiducials, so the reader adds it back (EN 1064 §5.7, §5.8).
    /// </summary>
    private static void AddReferenceBeat(ReadOnlySpan<byte> record, Dictionary<int, ScpSection> sections, ScpSignalData rhythm, int leadCount, ScpHuffmanTable[]? tables, List<string> warnings)
    {
        if (!sections.TryGetValue(4, out var s4) || !sections.TryGetValue(5, out var s5))
        {
            throw ScpEcgReader.Error("section 3, byte offset 1", "reference beat subtraction is flagged but section 4 or 5 is missing, so the signal cannot be restored.");
        }

        var body4 = record.Slice(s4.Offset + Header, s4.Length - Header);
        if (body4.Length < 6)
        {
            throw ScpEcgReader.Error($"section 4, byte offset {s4.Offset + Header}", "too short for the reference beat length, fiducial and QRS count.");
        }

        int lengthMs = BinaryPrimitives.ReadUInt16LittleEndian(body4);
        int fiducial = BinaryPrimitives.ReadUInt16LittleEndian(body4[2..]);
        int qrsCount = BinaryPrimitives.ReadUInt16LittleEndian(body4[4..]);
        if (6 + (qrsCount * 14) > body4.Length)
        {
            throw ScpEcgReader.Error($"section 4, byte offset {s4.Offset + Header + 4}", $"{qrsCount} QRS entries of 14 bytes cannot fit in the section.");
        }

        var body5 = record.Slice(s5.Offset + Header, s5.Length - Header);
        if (body5.Length < 4)
        {
            throw ScpEcgReader.Error($"section 5, byte offset {s5.Offset + Header}", "too short for its header.");
        }

        int interval5 = BinaryPrimitives.ReadUInt16LittleEndian(body5[2..]);
        if (interval5 != rhythm.IntervalMicroseconds)
        {
            throw ScpEcgReader.Error($"section 5, byte offset {s5.Offset + Header + 2}", $"reference beat interval {interval5} µs differs from the rhythm's {rhythm.IntervalMicroseconds} µs without bimodal compression.");
        }

        int beatLength = (int)Math.Round(lengthMs * 1000.0 / interval5);
        if (beatLength < 1 || fiducial < 1 || fiducial > beatLength)
        {
            throw ScpEcgReader.Error($"section 4, byte offset {s4.Offset + Header}", $"reference beat of {lengthMs} ms ({beatLength} samples) with fiducial at sample {fiducial} is not usable.");
        }

        var reference = ReadSignalSection(record.Slice(s5.Offset, s5.Length), s5.Offset, 5, leadCount, beatLength, tables);
        int n = rhythm.Samples[0].Length;
        for (int q = 0; q < qrsCount; q++)
        {
            int at = 6 + (q * 14);
            int type = BinaryPrimitives.ReadUInt16LittleEndian(body4[at..]);
            long zoneStart = BinaryPrimitives.ReadUInt32LittleEndian(body4[(at + 2)..]);
            long qrsFiducial = BinaryPrimitives.ReadUInt32LittleEndian(body4[(at + 6)..]);
            long zoneEnd = BinaryPrimitives.ReadUInt32LittleEndian(body4[(at + 10)..]);
            if (type != 0)
            {
                continue; // only beats of reference type 0 were subtracted
            }

            if (zoneStart < 1 || zoneEnd < zoneStart || zoneEnd > n || qrsFiducial < zoneStart || qrsFiducial > zoneEnd)
            {
                throw ScpEcgReader.Error($"section 4, QRS {q + 1}, byte offset {s4.Offset + Header + at}", $"subtraction zone {zoneStart}–{zoneEnd} around fiducial {qrsFiducial} lies outside the {n} samples.");
            }

            // Sample s (1-based) of the zone lines up with reference sample s − fiducial(QRS) + fiducial(reference).
            long from = Math.Max(zoneStart, qrsFiducial - fiducial + 1);
            long to = Math.Min(zoneEnd, qrsFiducial - fiducial + beatLength);
            if (from > zoneStart || to < zoneEnd)
            {
                warnings.Add($"section 4, QRS {q + 1}: subtraction zone {zoneStart}–{zoneEnd} is longer than the reference beat; only the overlap was restored.");
            }

            for (int lead = 0; lead < leadCount; lead++)
            {
                var signal = rhythm.Samples[lead];
                var beat = reference.Samples[lead];
                for (long s = from; s <= to; s++)
                {
                    signal[s - 1] += Scale(beat[s - qrsFiducial + fiducial - 1], reference.NanovoltsPerUnit, rhythm.NanovoltsPerUnit);
                }
            }
        }
    }

    private static int Scale(int value, int fromNanovolts, int toNanovolts) =>
        fromNanovolts == toNanovolts ? value : (int)Math.Round((double)value * fromNanovolts / toNanovolts);

    private readonly record struct ScpLeadDefinition(uint Start, uint End, byte Code)
    {
        public int Count => (int)(End - Start + 1);
    }

    private sealed record ScpSignalData(int NanovoltsPerUnit, int IntervalMicroseconds, int Differences, bool Bimodal, int[][] Samples);
}
