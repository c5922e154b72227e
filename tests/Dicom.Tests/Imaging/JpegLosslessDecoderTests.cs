using System.Runtime.InteropServices;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Imaging;
using Telemed.Dicom.Imaging.Codecs;
using Telemed.Dicom.Tags;
using Telemed.Dicom.ValueRepresentations;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Dicom.Tests.Imaging;

/// <summary>
/// Our JPEG Lossless decoder (T.81 process 14) beyond the corpus, which <see cref="JpegFrameDecoderTests"/> covers:
/// dcmcjpeg's encodings with every predictor and a point transform, our test encoder's restart intervals, separate
/// scans, four components and precisions 2–16, each against dcmdjpeg and the original samples; corrupt streams; and
/// the promise that a frame allocates nothing but its output.
/// </summary>
public sealed class JpegLosslessDecoderTests(ITestOutputHelper output)
{
    private const string LosslessUid = "1.2.840.10008.1.2.4.57";

    public static TheoryData<string, int, int> DcmcjpegCases()
    {
        var data = new TheoryData<string, int, int>();
        // 16-bit signed CT (values cross zero), 16-bit RGB, 8-bit RGB, 16-bit multi-frame NM, 12-bit multi-frame MR.
        string[] sources = ["highdicom/ct_image.dcm", "pydicom-data/SC_rgb_16bit.dcm", "pydicom-data/SC_rgb.dcm", "dcm4che/NM-MONO2-16-13x-heart", "pydicom-data/emri_small.dcm"];
        foreach (string source in sources)
        {
            for (int predictor = 1; predictor <= 7; predictor++)
            {
                data.Add(source, predictor, 0);
                data.Add(source, predictor, 3);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DcmcjpegCases))]
    public void Dcmcjpeg_encodings_decode_like_dcmdjpeg(string source, int predictor, int pointTransform)
    {
        using var encoded = new Dcmtk.TempFile();
        using var decoded = new Dcmtk.TempFile();
        Dcmtk.Run("dcmcjpeg", "+el", "+sv", $"{predictor}", "+pt", $"{pointTransform}", TestData.PathOf(source), encoded.Path);
        Dcmtk.Run("dcmdjpeg", encoded.Path, decoded.Path);
        var comparison = FrameComparison.Of(PixelData.FromFile(DicomFile.Open(encoded.Path)), PixelData.FromFile(DicomFile.Open(decoded.Path)));
        output.WriteLine($"{source} predictor {predictor} Pt {pointTransform}: {comparison}");
        Assert.Equal(0, comparison.MaxDifference);
    }

    public static TheoryData<string, string> OwnEncoderCases()
    {
        var data = new TheoryData<string, string>();
        foreach (string source in new[] { "highdicom/ct_image.dcm", "pydicom-data/SC_rgb_16bit.dcm" })
        {
            foreach (string variant in Variants.Keys)
            {
                data.Add(source, variant);
            }
        }

        return data;
    }

    /// <summary>Options over full-range 16-bit samples (random walks with jumps, so SSSS 16 and the longest codes occur).</summary>
    private static readonly Dictionary<string, LosslessJpegOptions> Variants = new()
    {
        ["restart every line, predictor 7"] = new(16, 7, RestartLines: 1),
        ["restart every 5 lines, predictor 6"] = new(16, 6, RestartLines: 5),
        ["separate scans, predictor 5"] = new(16, 5, Interleaved: false),
        ["separate scans, restart every 3 lines, Pt 2, predictor 4"] = new(16, 4, PointTransform: 2, RestartLines: 3, Interleaved: false),
        ["Pt 5, predictor 3"] = new(16, 3, PointTransform: 5),
    };

    [Theory]
    [MemberData(nameof(OwnEncoderCases))]
    public void Own_encodings_decode_like_dcmdjpeg_and_to_the_original(string source, string variant)
    {
        LosslessJpegOptions options = Variants[variant];
        DicomFile native = DicomFile.Open(TestData.PathOf(source));
        PixelData layout = PixelData.FromFile(native);
        ushort[] samples = RandomWalk(layout.SamplesPerFrame, 16, seed: variant.Length);
        byte[] stream = LosslessJpegWriter.Encode(samples, layout.Rows, layout.Columns, layout.SamplesPerPixel, options);
        using var encoded = new Dcmtk.TempFile();
        using var decoded = new Dcmtk.TempFile();
        WithJpegFrame(native, stream).Save(encoded.Path);
        Dcmtk.Run("dcmdjpeg", encoded.Path, decoded.Path);

        PixelData mine = PixelData.FromFile(DicomFile.Open(encoded.Path));
        var comparison = FrameComparison.Of(mine, PixelData.FromFile(DicomFile.Open(decoded.Path)));
        output.WriteLine($"{source}, {variant}: {stream.Length} bytes; against dcmdjpeg {comparison}");
        Assert.Equal(0, comparison.MaxDifference);
        ReadOnlySpan<ushort> ours = MemoryMarshal.Cast<byte, ushort>(mine.GetFrame(0).Span);
        Assert.Equal(samples.Select(s => (ushort)(s >> options.PointTransform << options.PointTransform)), ours.ToArray());
    }

    public static TheoryData<int, int, int, int, bool> RoundTripCases()
    {
        var data = new TheoryData<int, int, int, int, bool>();
        foreach (int precision in new[] { 2, 7, 8, 12, 16 })
        {
            for (int predictor = 1; predictor <= 7; predictor++)
            {
                data.Add(precision, predictor, predictor % 2 == 0 ? 1 : 4, 0, predictor % 3 == 0);
                data.Add(precision, predictor, 1, precision > 4 ? precision / 3 : 1, predictor % 3 != 0);
            }
        }

        return data;
    }

    /// <summary>Without a peer: what the encoder put in comes out (shifted by Pt), for 1 or 4 components.</summary>
    [Theory]
    [MemberData(nameof(RoundTripCases))]
    public void Own_encodings_round_trip(int precision, int predictor, int components, int pointTransform, bool interleaved)
    {
        const int Rows = 37;
        const int Columns = 53;
        var options = new LosslessJpegOptions(precision, predictor, pointTransform, RestartLines: predictor == 4 ? 2 : 0, Interleaved: interleaved);
        ushort[] samples = RandomWalk(Rows * Columns * components, precision, seed: (precision * 8) + predictor);
        byte[] stream = LosslessJpegWriter.Encode(samples, Rows, Columns, components, options);
        int bitsAllocated = precision > 8 ? 16 : 8;
        byte[] frame = new byte[Rows * Columns * components * (bitsAllocated / 8)];
        JpegLosslessDecoder.Decode(stream, frame, new JpegFrameExpectation(Rows, Columns, components, bitsAllocated), 0);
        int[] expected = [.. samples.Select(s => s >> pointTransform << pointTransform)];
        int[] actual = bitsAllocated == 8 ? [.. frame.Select(b => (int)b)] : [.. MemoryMarshal.Cast<byte, ushort>(frame).ToArray().Select(s => (int)s)];
        Assert.Equal(expected, actual);
    }

    public static TheoryData<string> CorruptionSources() => new()
    {
        "pylibjpeg-data/JPEGLossless/JPEGLossless_1s_1f_i_16_16_bad.dcm", // 16-bit, predictor 6
        "pydicom/test_files/SC_rgb_jpeg_gdcm.dcm", // 8-bit RGB, interleaved
        "synthetic", // four components in separate scans, restart every 2 lines, two Huffman tables
    };

    /// <summary>300 mutations (bit flips, 0xFF bytes, cuts, inserted bytes, header bytes) per stream: a frame or a DicomException.</summary>
    [Theory]
    [MemberData(nameof(CorruptionSources))]
    public void Corrupted_streams_decode_or_throw_DicomException(string source)
    {
        (byte[] original, JpegFrameExpectation expected) = Stream(source);
        byte[] frame = new byte[expected.FrameLength];
        var random = new Random(source.Length);
        int rejected = 0;
        const int Rounds = 300;
        for (int round = 0; round < Rounds; round++)
        {
            byte[] data = Mutate(original, random, round);
            Exception? error = Record.Exception(() => JpegLosslessDecoder.Decode(data, frame, expected, 1000));
            if (error is not null)
            {
                Assert.True(error is DicomException, $"round {round}: {error.GetType().Name}: {error.Message}");
                var dicom = (DicomException)error;
                Assert.Equal(DicomTag.PixelData, dicom.Tag);
                Assert.InRange(dicom.Offset, 1000, 1000 + data.Length);
                rejected++;
            }
        }

        output.WriteLine($"{source}: {rejected} of {Rounds} corrupted streams rejected with DicomException, the rest decoded");
        Assert.True(rejected > Rounds / 4, $"only {rejected} of {Rounds} corruptions detected");
    }

    [Theory]
    [InlineData("fo-dicom/tests/GH133.dcm")]
    [InlineData("synthetic")]
    public void Decoding_a_frame_allocates_nothing_but_the_output(string source)
    {
        (byte[] stream, JpegFrameExpectation expected) = Stream(source);
        byte[] frame = new byte[expected.FrameLength];
        JpegLosslessDecoder.Decode(stream, frame, expected, 0); // JIT and statics first
        long before = GC.GetAllocatedBytesForCurrentThread();
        JpegLosslessDecoder.Decode(stream, frame, expected, 0);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_restart_interval_that_ends_mid_line_is_refused()
    {
        ushort[] samples = RandomWalk(8 * 10, 12, seed: 3);
        byte[] stream = LosslessJpegWriter.Encode(samples, 8, 10, 1, new LosslessJpegOptions(12, 1, RestartLines: 1));
        int dri = IndexOf(stream, [0xFF, 0xDD, 0x00, 0x04]);
        stream[dri + 5] = 15; // Ri 15 samples: one and a half lines
        var error = Assert.Throws<DicomException>(() => JpegLosslessDecoder.Decode(stream, new byte[160], new JpegFrameExpectation(8, 10, 1, 16), 500));
        Assert.Contains("restart interval 15 is not a whole number of 10-sample lines", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stream_cut_inside_its_scan_names_the_offset()
    {
        ushort[] samples = RandomWalk(64 * 64, 16, seed: 4);
        byte[] stream = LosslessJpegWriter.Encode(samples, 64, 64, 1, new LosslessJpegOptions(16, 6));
        byte[] cut = stream[..(stream.Length / 2)];
        var error = Assert.Throws<DicomException>(() => JpegLosslessDecoder.Decode(cut, new byte[64 * 64 * 2], new JpegFrameExpectation(64, 64, 1, 16), 500));
        Assert.Contains("ends before the scan's last sample", error.Message, StringComparison.Ordinal);
        Assert.Equal(DicomTag.PixelData, error.Tag);
        Assert.InRange(error.Offset, 500, 500 + cut.Length);
    }

    /// <summary>A frame whose header claims more samples than the data set has is refused before anything is decoded.</summary>
    [Fact]
    public void A_frame_header_larger_than_the_data_set_is_refused()
    {
        byte[] stream = LosslessJpegWriter.Encode(RandomWalk(16 * 16, 8, seed: 5), 16, 16, 1, new LosslessJpegOptions(8, 1));
        var error = Assert.Throws<DicomException>(() => JpegLosslessDecoder.Decode(stream, new byte[8 * 16], new JpegFrameExpectation(8, 16, 1, 8), 0));
        Assert.Contains("the JPEG frame is 16 × 16, the data set says Columns 16 × Rows 8", error.Message, StringComparison.Ordinal);
    }

    /// <summary>T.81 Annex C: three codes of length 1 cannot exist; found by fuzzing (the look-up fill overran).</summary>
    [Fact]
    public void An_overfull_Huffman_table_is_refused()
    {
        byte[] stream = LosslessJpegWriter.Encode(RandomWalk(4 * 4, 8, seed: 8), 4, 4, 1, new LosslessJpegOptions(8, 1));
        int dht = IndexOf(stream, [0xFF, 0xC4]);
        stream[dht + 5] = 3; // L1 of table 0
        var error = Assert.Throws<DicomException>(() => JpegLosslessDecoder.Decode(stream, new byte[16], new JpegFrameExpectation(4, 4, 1, 8), 0));
        Assert.Contains("more codes of length 1 or less than fit", error.Message, StringComparison.Ordinal);
    }

    /// <summary>T.81 §B.2.5: Y = 0 defers the line count to a DNL segment; refused, whatever the data set says.</summary>
    [Fact]
    public void A_frame_header_without_lines_is_refused()
    {
        byte[] stream = LosslessJpegWriter.Encode(RandomWalk(4 * 4, 8, seed: 7), 4, 4, 1, new LosslessJpegOptions(8, 1, RestartLines: 1));
        int sof = IndexOf(stream, [0xFF, 0xC3]);
        stream[sof + 5] = 0;
        stream[sof + 6] = 0;
        var error = Assert.Throws<DicomException>(() => JpegLosslessDecoder.Decode(stream, new byte[16], new JpegFrameExpectation(0, 4, 1, 8), 0));
        Assert.Contains("deferred to DNL are not supported", error.Message, StringComparison.Ordinal);
    }

    private static (byte[] Stream, JpegFrameExpectation Expected) Stream(string source)
    {
        if (source == "synthetic")
        {
            const int Rows = 40;
            const int Columns = 30;
            byte[] synthetic = LosslessJpegWriter.Encode(RandomWalk(Rows * Columns * 4, 16, seed: 6), Rows, Columns, 4,
                new LosslessJpegOptions(16, 7, RestartLines: 2, Interleaved: false));
            return (synthetic, new JpegFrameExpectation(Rows, Columns, 4, 16));
        }

        DicomFile file = DicomFile.Open(TestData.PathOf(source));
        PixelData pixels = PixelData.FromFile(file);
        var fragments = (DicomFragmentSequence)file.Dataset.First(e => e.Tag == DicomTag.PixelData);
        byte[] stream = EncapsulatedFrames.Get(file.Dataset, fragments, 0, pixels.FrameCount, out _).ToArray();
        return (stream, new JpegFrameExpectation(pixels.Rows, pixels.Columns, pixels.SamplesPerPixel, pixels.BitsAllocated));
    }

    private static byte[] Mutate(byte[] original, Random random, int round)
    {
        byte[] data = (byte[])original.Clone();
        switch (round % 6)
        {
            case 5: // a header byte (SOF, DHT, DRI, SOS) takes any value
                data[random.Next(2, Math.Min(data.Length, 160))] = (byte)random.Next(256);
                return data;
            case 0: // bit flips anywhere, headers included
            case 1:
                for (int k = 0; k < 1 + (round % 4); k++)
                {
                    data[random.Next(2, data.Length)] ^= (byte)(1 << random.Next(8));
                }

                return data;
            case 2: // a byte becomes 0xFF: a marker or a fill byte in the middle of things
                data[random.Next(2, data.Length)] = 0xFF;
                return data;
            case 3: // cut short
                return data[..random.Next(2, data.Length)];
            default: // bytes inserted
                int at = random.Next(2, data.Length);
                byte[] inserted = new byte[random.Next(1, 5)];
                random.NextBytes(inserted);
                return [.. data[..at], .. inserted, .. data[at..]];
        }
    }

    /// <summary>Smooth runs with occasional jumps across the whole range: small and large differences, and 2^15.</summary>
    private static ushort[] RandomWalk(int count, int precision, int seed)
    {
        var random = new Random(seed);
        int maximum = (1 << precision) - 1;
        ushort[] samples = new ushort[count];
        int value = random.Next(maximum + 1);
        for (int i = 0; i < count; i++)
        {
            value = random.Next(50) == 0 ? random.Next(maximum + 1) : Math.Clamp(value + random.Next(-9, 10), 0, maximum);
            samples[i] = (ushort)value;
        }

        return samples;
    }

    /// <summary>The native file with its pixel data replaced by one JPEG Lossless fragment.</summary>
    private static DicomFile WithJpegFrame(DicomFile native, byte[] stream)
    {
        byte[] fragment = stream.Length % 2 == 0 ? stream : [.. stream, 0];
        var element = new DicomFragmentSequence(DicomTag.PixelData, DicomVR.OB, ReadOnlyMemory<byte>.Empty, -1, new byte[4], [fragment]);
        var elements = native.Dataset.Select(e => e.Tag == DicomTag.PixelData ? element : e).ToList();
        return native.WithPixelDataEncoded(new DicomDataset(elements, native.Dataset.CharacterSet), DicomTransferSyntax.FromUid(LosslessUid));
    }

    private static int IndexOf(byte[] data, byte[] pattern) => data.AsSpan().IndexOf(pattern);
}
