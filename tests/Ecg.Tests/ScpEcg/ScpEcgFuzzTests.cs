using System.Buffers.Binary;
using Telemed.Ecg.Formats;
using Telemed.Ecg.ScpEcg;
using Telemed.Ecg.Tests.Formats;
using Xunit;

namespace Telemed.Ecg.Tests.ScpEcg;

/// <summary>Hostile SCP-ECG records: every mutation either reads or fails with an <see cref="EcgFormatException"/>.</summary>
public class ScpEcgFuzzTests
{
    public static TheoryData<string> Sources => new() { "writer", "writer-raw", "writer-bimodal", "example", "healforce" };

    [Theory]
    [MemberData(nameof(Sources))]
    public void Mutated_records_read_or_fail_with_a_format_exception(string source)
    {
        byte[] original = source switch
        {
            "writer" => ScpEcgWriter.Write(ScpEcgWriterTests.Synthetic(seconds: 3), options: new ScpEcgWriterOptions { SubtractReferenceBeat = true, Huffman = ScpHuffmanCoding.ExplicitTable }),
            "writer-raw" => ScpEcgWriter.Write(ScpEcgWriterTests.Synthetic(seconds: 3), options: new ScpEcgWriterOptions { Huffman = ScpHuffmanCoding.None, Differences = ScpDifferenceEncoding.First }),
            "writer-bimodal" => ScpEcgWriter.Write(ScpEcgWriterTests.Synthetic(seconds: 3), options: new ScpEcgWriterOptions { SubtractReferenceBeat = true, BimodalFactor = 3 }),
            "healforce" => File.ReadAllBytes(TestData.FormatsFile("scp-ecg/KaibinBao__healforcescpecg__62.SCP")),
            _ => File.ReadAllBytes(TestData.FormatsFile("scp-ecg/Refactoring__ECGToolkit__Example.scp")),
        };
        int read = 0, refused = 0;
        foreach (byte[] mutated in Mutations.Of(original, 400, seed: source.Length))
        {
            // Half of the mutants get valid CRCs again, so the parser behind the CRC checks is reached too.
            bool fixCrcs = (read + refused) % 2 == 0;
            if (fixCrcs)
            {
                FixCrcs(mutated);
            }

            try
            {
                var document = ScpEcgReader.Read(mutated, tolerateCrcErrors: !fixCrcs);
                Assert.True(document.Recording.Length > 0);
                read++;
            }
            catch (EcgFormatException e)
            {
                Assert.StartsWith("SCP-ECG: ", e.Message, StringComparison.Ordinal);
                refused++;
            }
        }

        // Both outcomes occur: the mutations reach the decoder (some survive) and the checks (some are refused).
        Assert.True(read > 0 && refused > 0, $"{read} read, {refused} refused");
    }

    /// <summary>Recomputes the record CRC and every section CRC section 0 can still locate.</summary>
    private static void FixCrcs(byte[] record)
    {
        if (record.Length < 22)
        {
            return;
        }

        int s0 = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(10)), (uint)(record.Length - 6));
        for (int at = 22; at + 10 <= 6 + s0; at += 10)
        {
            long length = BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(at + 2));
            long index = BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(at + 6));
            if (length >= 16 && index >= 1 && index - 1 + length <= record.Length)
            {
                var section = record.AsSpan((int)index - 1, (int)length);
                BinaryPrimitives.WriteUInt16LittleEndian(section, ScpCrc.Compute(section[2..]));
            }
        }

        if (s0 >= 16)
        {
            var section0 = record.AsSpan(6, s0);
            BinaryPrimitives.WriteUInt16LittleEndian(section0, ScpCrc.Compute(section0[2..]));
        }

        long declared = BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(2));
        int end = (int)Math.Min(declared, record.Length);
        if (end > 2)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(record, ScpCrc.Compute(record.AsSpan(2, end - 2)));
        }
    }
}
