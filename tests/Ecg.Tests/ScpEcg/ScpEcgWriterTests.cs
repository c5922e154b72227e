using System.Buffers.Binary;
using Telemed.Ecg.Formats;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.ScpEcg;
using Telemed.Ecg.Signals;
using Telemed.Ecg.Tests.Synthetic;
using Xunit;

namespace Telemed.Ecg.Tests.ScpEcg;

/// <summary>Our SCP-ECG writer against our reader: every encoding gives back exactly the samples rounded to the multiplier.</summary>
public class ScpEcgWriterTests
{
    private static readonly EcgMetadata Patient = new()
    {
        PatientId = "TWN-0042",
        FamilyName = "Wáng",
        GivenName = "Lì",
        BirthDate = new DateOnly(1958, 3, 9),
        AgeYears = 68,
        Sex = Sex.Female,
        AcquisitionTime = new DateTime(2026, 11, 26, 8, 15, 30),
        Device = "CART1",
    };

    internal static EcgRecording Synthetic(double rate = 500, double seconds = 10, double noiseMv = 0.02) =>
        SyntheticEcg.Create(new SyntheticEcgOptions { SamplingRate = rate, DurationSeconds = seconds, WhiteNoiseMv = noiseMv, HeartRateBpm = 72 }).Recording;

    public static TheoryData<ScpDifferenceEncoding, ScpHuffmanCoding, bool, int> Encodings()
    {
        var data = new TheoryData<ScpDifferenceEncoding, ScpHuffmanCoding, bool, int>();
        foreach (var differences in Enum.GetValues<ScpDifferenceEncoding>())
        {
            foreach (var huffman in Enum.GetValues<ScpHuffmanCoding>())
            {
                data.Add(differences, huffman, false, 1000);
                data.Add(differences, huffman, true, 5000);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Round_trip_gives_the_quantised_samples_exactly(ScpDifferenceEncoding differences, ScpHuffmanCoding huffman, bool subtract, int nanovolts)
    {
        var recording = Synthetic();
        var options = new ScpEcgWriterOptions { Differences = differences, Huffman = huffman, SubtractReferenceBeat = subtract, NanovoltsPerUnit = nanovolts };

        var document = ScpEcgReader.Read(ScpEcgWriter.Write(recording, Patient, options));

        Assert.Empty(document.Warnings);
        Assert.Equal(recording.SamplingRate, document.Recording.SamplingRate);
        Assert.Equal(recording.Leads.Select(l => l.Id), document.Recording.Leads.Select(l => l.Id));
        for (int l = 0; l < recording.Leads.Count; l++)
        {
            var written = recording.Leads[l];
            var read = document.Recording.Leads[l];
            Assert.Equal(1e6 / nanovolts, read.AduPerMillivolt, 9);
            var samples = read.Samples.Span;
            for (int t = 0; t < recording.Length; t++)
            {
                int expected = (int)Math.Round(written[t] * 1e6 / nanovolts);
                if (samples[t] != expected)
                {
                    Assert.Fail($"lead {written.Label}, sample {t}: read {samples[t]}, wrote {expected}");
                }
            }
        }
    }

    [Fact]
    public void Metadata_round_trips_through_section_1()
    {
        var metadata = ScpEcgReader.Read(ScpEcgWriter.Write(Synthetic(seconds: 2), Patient)).Metadata;

        Assert.Equal(Patient, metadata);
    }

    [Fact]
    public void Reference_beat_subtraction_is_used_and_shrinks_the_record()
    {
        var recording = Synthetic(noiseMv: 0);
        byte[] plain = ScpEcgWriter.Write(recording);
        byte[] subtracted = ScpEcgWriter.Write(recording, options: new ScpEcgWriterOptions { SubtractReferenceBeat = true });

        // Section 3's flag bit 0 marks the subtraction, and the residual costs far fewer bits than the beats themselves.
        Assert.Equal(1, LeadFlags(subtracted) & 1);
        Assert.Equal(0, LeadFlags(plain) & 1);
        Assert.True(subtracted.Length < plain.Length * 0.8, $"{subtracted.Length} bytes with subtraction vs {plain.Length} without");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Bimodal_compression_keeps_protected_zones_exact_and_the_rest_within_20_microvolts(int factor)
    {
        // 50 bpm leaves half a second of baseline between the protected zones; 2 µV of noise makes decimation visible there.
        var recording = SyntheticEcg.Create(new SyntheticEcgOptions { SamplingRate = 500, DurationSeconds = 10, HeartRateBpm = 50, WhiteNoiseMv = 0.002 }).Recording;
        var lossless = new ScpEcgWriterOptions { SubtractReferenceBeat = true };
        byte[] plain = ScpEcgWriter.Write(recording, options: lossless);
        byte[] bimodal = ScpEcgWriter.Write(recording, options: lossless with { BimodalFactor = factor });

        var exact = ScpEcgReader.Read(plain).Recording;
        var read = ScpEcgReader.Read(bimodal).Recording;

        Assert.Equal(500, read.SamplingRate);
        Assert.Equal(exact.Length, read.Length);
        Assert.True(bimodal.Length < plain.Length, $"{bimodal.Length} bytes bimodal vs {plain.Length}");
        var zones = ProtectedZones(bimodal);
        Assert.NotEmpty(zones);
        int outside = 0, changed = 0;
        for (int l = 0; l < read.Leads.Count; l++)
        {
            var a = exact.Leads[l].Samples.Span;
            var b = read.Leads[l].Samples.Span;
            for (int t = 0; t < read.Length; t++)
            {
                if (zones.Any(z => t + 1 >= z.Start && t + 1 <= z.End))
                {
                    Assert.Equal(a[t], b[t]);
                    continue;
                }

                outside++;
                changed += a[t] != b[t] ? 1 : 0;
                Assert.True(Math.Abs(a[t] - b[t]) <= 20, $"lead {l + 1}, sample {t}: {a[t]} vs {b[t]} µV");
            }
        }

        Assert.True(outside > read.Length && changed > 0, $"{outside} samples outside the zones, {changed} changed by decimation");
    }

    private static List<(long Start, long End)> ProtectedZones(byte[] record)
    {
        var (offset, _) = Section(record, 4);
        var body = record.AsSpan(offset + 16);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(body[4..]);
        var zones = new List<(long, long)>();
        for (int q = 0; q < count; q++)
        {
            var z = body[(6 + (14 * count) + (8 * q))..];
            zones.Add((BinaryPrimitives.ReadUInt32LittleEndian(z), BinaryPrimitives.ReadUInt32LittleEndian(z[4..])));
        }

        return zones;
    }

    [Fact]
    public void Real_example_rewritten_at_its_own_multiplier_reads_back_identical()
    {
        var original = ScpEcgReader.Read(TestData.FormatsFile("scp-ecg/Refactoring__ECGToolkit__Example.scp"));
        byte[] rewritten = ScpEcgWriter.Write(original.Recording, original.Metadata, new ScpEcgWriterOptions { NanovoltsPerUnit = 2500, SubtractReferenceBeat = true });

        var copy = ScpEcgReader.Read(rewritten);

        Assert.Equal(original.Metadata, copy.Metadata);
        for (int l = 0; l < original.Recording.Leads.Count; l++)
        {
            Assert.True(original.Recording.Leads[l].Samples.Span.SequenceEqual(copy.Recording.Leads[l].Samples.Span), $"lead {l + 1} differs");
        }
    }

    [Fact]
    public void Default_table_codes_match_en_1064_annex_c()
    {
        // One lead of raw values (no differences): the bit string is the concatenation of the Annex C codes.
        int[] values = [0, 1, -1, 2, -8, 9, -128, 127, -129, 1000];
        string expected = "0" + "100" + "101" + "1100" + "1111111101"
            + "1111111110" + "00001001" + "1111111110" + "10000000" + "1111111110" + "01111111"
            + "1111111111" + "1111111101111111" + "1111111111" + "0000001111101000";
        var lead = new EcgLead(LeadId.II, "II", values, 1000, 0); // 1000 units per mV = 1 µV per unit
        var recording = new EcgRecording(500, [lead]);

        byte[] record = ScpEcgWriter.Write(recording, options: new ScpEcgWriterOptions { Differences = ScpDifferenceEncoding.None });
        var (offset, length) = Section(record, 6);
        int dataLength = BinaryPrimitives.ReadUInt16LittleEndian(record.AsSpan(offset + 16 + 6));
        string bits = string.Concat(record.AsSpan(offset + 16 + 8, dataLength).ToArray().Select(b => Convert.ToString(b, 2).PadLeft(8, '0')));

        Assert.True(length > 0);
        Assert.Equal(expected, bits[..expected.Length]);
        Assert.Equal(new string('0', bits.Length - expected.Length), bits[expected.Length..]);
        Assert.Equal(values, ScpEcgReader.Read(record).Recording.Leads[0].Samples.ToArray());
    }

    [Fact]
    public void Crc_is_ccitt_with_initial_ffff()
    {
        // The standard check value of CRC-16/CCITT-FALSE.
        Assert.Equal(0x29B1, ScpCrc.Compute("123456789"u8));
    }

    [Fact]
    public void A_damaged_byte_is_refused_by_crc_or_read_with_a_warning_when_tolerated()
    {
        byte[] record = ScpEcgWriter.Write(Synthetic(seconds: 2));
        var (offset, length) = Section(record, 6);
        record[offset + (length / 2)] ^= 0x10; // inside the Huffman-coded samples

        var error = Assert.Throws<EcgFormatException>(() => ScpEcgReader.Read(record));
        var tolerated = ScpEcgReader.Read(record, tolerateCrcErrors: true);

        Assert.Contains("record CRC", error.Message, StringComparison.Ordinal);
        Assert.Contains(tolerated.Warnings, w => w.Contains("section 6 CRC", StringComparison.Ordinal));
    }

    [Fact]
    public void Values_beyond_16_bits_are_refused_by_the_writer()
    {
        var lead = new EcgLead(LeadId.I, "I", new[] { 0, 40_000 }, 1000, 0);
        var recording = new EcgRecording(500, [lead]);

        Assert.Throws<ArgumentException>(() => ScpEcgWriter.Write(recording, options: new ScpEcgWriterOptions { Differences = ScpDifferenceEncoding.None }));
        Assert.Equal(40, ScpEcgReader.Read(ScpEcgWriter.Write(recording, options: new ScpEcgWriterOptions { NanovoltsPerUnit = 2000, Differences = ScpDifferenceEncoding.None })).Recording.Leads[0][1], 9);
    }

    internal static (int Offset, int Length) Section(byte[] record, int id)
    {
        for (int p = 0; p < 12; p++)
        {
            var pointer = record.AsSpan(22 + (p * 10));
            if (BinaryPrimitives.ReadUInt16LittleEndian(pointer) == id)
            {
                return ((int)BinaryPrimitives.ReadUInt32LittleEndian(pointer[6..]) - 1, (int)BinaryPrimitives.ReadUInt32LittleEndian(pointer[2..]));
            }
        }

        return (-1, 0);
    }

    private static int LeadFlags(byte[] record) => record[Section(record, 3).Offset + 16 + 1];
}
