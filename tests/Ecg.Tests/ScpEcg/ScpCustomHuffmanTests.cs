using System.Buffers.Binary;
using Telemed.Ecg.Formats;
using Telemed.Ecg.ScpEcg;
using Xunit;

namespace Telemed.Ecg.Tests.ScpEcg;

/// <summary>
/// Custom Huffman tables (EN 1064 §5.6) as no real file here has them: two tables that switch to each other, escapes,
/// and base codes stored with their first bit in the least significant position. The record is assembled by hand.
/// </summary>
public class ScpCustomHuffmanTests
{
    [Fact]
    public void Two_switching_tables_with_escapes_decode_to_the_encoded_values()
    {
        // Table 1: "0" = 0, "10" = switch to table 2, "11" + 8 bits = escape. Table 2: "0" = 5, "10" = switch to table 1, "11" = −5.
        byte[] section2 = [
            2, 0,
            3, 0,
            .. Structure(1, 1, 1, 0, 0b0), .. Structure(2, 2, 0, 2, 0b01), .. Structure(2, 10, 1, 0, 0b11),
            3, 0,
            .. Structure(1, 1, 1, 5, 0b0), .. Structure(2, 2, 0, 1, 0b01), .. Structure(2, 2, 1, -5, 0b11),
        ];

        // 0 | switch, 5 | 5 | −5 | switch, 0 | 100 (escape) | −3 (escape)
        string bits = "0" + "10" + "0" + "0" + "11" + "10" + "0" + "11" + "01100100" + "11" + "11111101";
        byte[] data = Pack(bits);
        byte[] section3 = [1, 0b1100, .. U32(1), .. U32(7), 2];
        byte[] section6 = [.. U16(1000), .. U16(2000), 0, 0, .. U16(data.Length), .. data];

        var document = ScpEcgReader.Read(Record(new() { [2] = section2, [3] = section3, [6] = section6 }));

        Assert.Equal(new[] { 0, 5, 5, -5, 0, 100, -3 }, document.Recording.Leads[0].Samples.ToArray());
        Assert.Equal(500, document.Recording.SamplingRate);
        Assert.Contains(document.Warnings, w => w.Contains("no section 1", StringComparison.Ordinal));
    }

    [Fact]
    public void A_table_whose_prefixes_are_not_a_prefix_code_is_refused()
    {
        byte[] section2 = [1, 0, 2, 0, .. Structure(1, 1, 1, 0, 0b0), .. Structure(2, 2, 1, 1, 0b00)]; // "0" begins "00"
        byte[] section3 = [1, 0b1100, .. U32(1), .. U32(2), 2];
        byte[] section6 = [.. U16(1000), .. U16(2000), 0, 0, .. U16(1), 0];

        var error = Assert.Throws<EcgFormatException>(() => ScpEcgReader.Read(Record(new() { [2] = section2, [3] = section3, [6] = section6 })));

        Assert.Contains("section 2, table 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("one prefix begins the other", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Structure(byte prefix, byte total, byte mode, short value, uint reversedCode) =>
        [prefix, total, mode, .. U16((ushort)value), .. U32(reversedCode)];

    private static byte[] U16(int v) => [(byte)v, (byte)(v >> 8)];

    private static byte[] U32(uint v) => [(byte)v, (byte)(v >> 8), (byte)(v >> 16), (byte)(v >> 24)];

    private static byte[] Pack(string bits)
    {
        var bytes = new byte[(bits.Length + 7) / 8];
        for (int i = 0; i < bits.Length; i++)
        {
            if (bits[i] == '1')
            {
                bytes[i / 8] |= (byte)(0x80 >> (i % 8));
            }
        }

        return bytes;
    }

    /// <summary>EN 1064 §5.2–5.4: CRC and length, section 0 with pointers for sections 0–11, then the sections, each with its header and CRC.</summary>
    private static byte[] Record(Dictionary<int, byte[]> bodies)
    {
        var layout = new List<(int Id, int Offset, byte[] Section)>();
        int at = 6 + 16 + 120;
        foreach (var (id, body) in bodies.OrderBy(b => b.Key))
        {
            var section = new byte[16 + body.Length + (body.Length & 1)];
            body.CopyTo(section, 16);
            Header(section, id);
            layout.Add((id, at, section));
            at += section.Length;
        }

        var record = new byte[at];
        var section0 = record.AsSpan(6, 136);
        for (int id = 0; id < 12; id++)
        {
            var pointer = section0.Slice(16 + (id * 10), 10);
            BinaryPrimitives.WriteUInt16LittleEndian(pointer, (ushort)id);
            var entry = id == 0 ? (Offset: 6, Length: 136) : layout.Where(l => l.Id == id).Select(l => (l.Offset, l.Section.Length)).FirstOrDefault();
            if (entry.Length > 0)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(pointer[2..], (uint)entry.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(pointer[6..], (uint)entry.Offset + 1);
            }
        }

        "SCPECG"u8.CopyTo(section0[10..]);
        Header(section0, 0);
        foreach (var (_, offset, section) in layout)
        {
            section.CopyTo(record, offset);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(2), (uint)record.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(record, ScpCrc.Compute(record.AsSpan(2)));
        return record;
    }

    private static void Header(Span<byte> section, int id)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(section[2..], (ushort)id);
        BinaryPrimitives.WriteUInt32LittleEndian(section[4..], (uint)section.Length);
        section[8] = section[9] = 20;
        BinaryPrimitives.WriteUInt16LittleEndian(section, ScpCrc.Compute(section[2..]));
    }
}
