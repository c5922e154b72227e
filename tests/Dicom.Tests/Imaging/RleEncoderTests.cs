using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Imaging;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Dicom.Tests.Imaging;

public sealed class RleEncoderTests(ITestOutputHelper output)
{
    /// <summary>
    /// Native corpus files with Bits Allocated 8 or 16 that are still not RLE material, each with the reason. Every
    /// other one must transcode.
    /// </summary>
    private static readonly Dictionary<string, string> NotRleMaterial = new(StringComparer.Ordinal)
    {
        ["dcm4che/YBR_422.dcm"] = "YBR_FULL_422 is not allowed with RLE (PS3.3 C.7.6.3.1.2)",
        ["pydicom/test_files/SC_ybr_full_422_uncompressed.dcm"] = "YBR_FULL_422 is not allowed with RLE (PS3.3 C.7.6.3.1.2)",
        ["fo-dicom/tests/GH178.dcm"] = "no Pixel Data element (image attributes only)",
        ["fo-dicom/tests/GH179A.dcm"] = "no Pixel Data element (image attributes only)",
        ["fo-dicom/tests/GH1146.dcm"] = "Pixel Data is empty; dcmcrle refuses it too",
        ["pydicom/charset_files/chrJapMulti.dcm"] = "no Pixel Data element (character set test)",
        ["pydicom/charset_files/chrJapMultiExplicitIR6.dcm"] = "no Pixel Data element (character set test)",
        ["pydicom/charset_files/chrKoreanMulti.dcm"] = "no Pixel Data element (character set test)",
    };

    public static TheoryData<string> NativeFiles()
    {
        var data = new TheoryData<string>();
        foreach (string file in NativeCorpus().Where(f => !NotRleMaterial.ContainsKey(f)))
        {
            data.Add(file);
        }

        return data;
    }

    /// <summary>Rows of MANIFEST.tsv with a native transfer syntax, Bits Allocated 8 or 16, and that dcmdump reads.</summary>
    private static IEnumerable<string> NativeCorpus()
    {
        string[] lines = File.ReadAllLines(Path.Combine(TestData.CorpusDirectory, "MANIFEST.tsv"));
        string[] header = lines[0].Split('\t');
        int file = Array.IndexOf(header, "file");
        int syntax = Array.IndexOf(header, "transfer_syntax");
        int bits = Array.IndexOf(header, "bits_allocated");
        int ok = Array.IndexOf(header, "dcmdump_ok");
        string[] native = ["1.2.840.10008.1.2 ", "1.2.840.10008.1.2.1 ", "1.2.840.10008.1.2.2 ", "1.2.840.10008.1.2.1.99 "];
        return lines.Skip(1).Select(l => l.Split('\t'))
            .Where(f => f.Length > bits && f[ok] == "yes" && f[bits] is "8" or "16" && native.Any(n => f[syntax].StartsWith(n, StringComparison.Ordinal)))
            .Select(f => f[file]);
    }

    [Fact]
    public void Corpus_has_the_expected_native_files()
    {
        Assert.Equal(118, NativeCorpus().Count());
        Assert.Equal(110, NativeFiles().Count);
        Assert.All(NotRleMaterial.Keys, f => Assert.Contains(f, NativeCorpus()));
    }

    [Theory]
    [MemberData(nameof(NativeFiles))]
    public void Our_RLE_decodes_with_dcmdrle_and_with_ours_to_the_original_bytes(string relativePath)
    {
        string path = TestData.PathOf(relativePath);
        DicomFile original = DicomFile.Open(path);
        PixelData source = PixelData.FromFile(original);
        using var rle = new Dcmtk.TempFile();
        using var back = new Dcmtk.TempFile();
        PixelDataTranscoder.ToRleLossless(original).Save(rle.Path);

        Dcmtk.Run("dcmdrle", rle.Path, back.Path);
        PixelData theirs = PixelData.FromFile(DicomFile.Open(back.Path));
        PixelData ours = PixelData.FromFile(DicomFile.Open(rle.Path));
        Assert.Equal(DicomTransferSyntax.RleLossless.Uid, ours.TransferSyntax.Uid);
        Assert.Equal(source.FrameCount, theirs.FrameCount);
        Assert.Equal(source.FrameCount, ours.FrameCount);
        Assert.Equal(source.IsPlanar, theirs.IsPlanar);
        for (int frame = 0; frame < source.FrameCount; frame++)
        {
            byte[] expected = LittleEndianFrame(source, original.TransferSyntax, frame);
            AssertSameBytes(expected, theirs.GetFrame(frame).Span, $"{relativePath} frame {frame + 1} via dcmdrle");
            AssertSameBytes(expected, ours.GetFrame(frame).Span, $"{relativePath} frame {frame + 1} via RleDecoder");
        }

        // DCMTK parses our encapsulated pixel data (item tags, lengths, offset table) without complaint.
        (int dumpCode, string dumpErrors) = Dcmtk.TryRun("dcmdump", "-q", rle.Path);
        Assert.True(dumpCode == 0 && dumpErrors.Length == 0, $"dcmdump: exit {dumpCode} {dumpErrors}");
    }

    /// <summary>
    /// dciodvfy judges the object, not the codec; the RLE copy must not add a single error to those the original
    /// already has (the corpus files are not all valid objects).
    /// </summary>
    [Theory]
    [InlineData("pydicom/test_files/CT_small.dcm")]
    [InlineData("pydicom-data/SC_rgb_expb_16bit_2frame.dcm")]
    [InlineData("pydicom-data/color-pl.dcm")]
    [InlineData("dcm4che/NM-MONO2-16-13x-heart")]
    public void dciodvfy_finds_no_more_errors_in_our_RLE_copy_than_in_the_original(string relativePath)
    {
        string path = TestData.PathOf(relativePath);
        using var rle = new Dcmtk.TempFile();
        PixelDataTranscoder.ToRleLossless(DicomFile.Open(path)).Save(rle.Path);
        string[] before = Dciodvfy.Errors(path);
        string[] after = Dciodvfy.Errors(rle.Path);
        output.WriteLine($"{relativePath}: dciodvfy errors {before.Length} original, {after.Length} RLE");
        Assert.Empty(after.Except(before));
    }

    /// <summary>DCMTK reads 8-bit OW in big endian as word-swapped (PS3.5 §A.3); our samples must agree with it.</summary>
    [Theory]
    [InlineData("pydicom-data/OBXXXX1A_expb_2frame.dcm", "pydicom-data/OBXXXX1A_2frame.dcm")]
    [InlineData("pydicom/test_files/SC_rgb_small_odd_big_endian.dcm", "pydicom/test_files/SC_rgb_small_odd.dcm")]
    public void Eight_bit_OW_big_endian_frames_equal_their_little_endian_twins(string bigEndian, string littleEndian)
    {
        DicomFile bigFile = DicomFile.Open(TestData.PathOf(bigEndian));
        Assert.Equal("OW", bigFile.Dataset[Telemed.Dicom.Tags.DicomTag.PixelData].VR.ToString());
        PixelData big = PixelData.FromFile(bigFile);
        PixelData little = PixelData.FromFile(DicomFile.Open(TestData.PathOf(littleEndian)));
        for (int frame = 0; frame < little.FrameCount; frame++)
        {
            AssertSameBytes(little.GetFrame(frame).Span, big.GetFrame(frame).Span, $"{bigEndian} frame {frame + 1}");
        }
    }

    /// <summary>Our demo radiographs are valid objects; their RLE copies must stay so (no errors, no warnings).</summary>
    [Theory]
    [InlineData("cr-chest-pa-gb18030.dcm")]
    [InlineData("dx-chest-pa-utf8.dcm")]
    public void RLE_copies_of_the_chest_samples_pass_dciodvfy_and_are_no_larger_than_dcmcrle(string file)
    {
        string path = Path.Combine(TestData.RepositoryRoot, "samples", "dicom", file);
        using var ours = new Dcmtk.TempFile();
        using var theirs = new Dcmtk.TempFile();
        DicomFile rle = PixelDataTranscoder.ToRleLossless(DicomFile.Open(path));
        rle.Save(ours.Path);
        Dcmtk.Run("dcmcrle", path, theirs.Path);
        string report = Dciodvfy.Report(ours.Path);
        Assert.DoesNotContain("Error", report, StringComparison.Ordinal);
        Assert.DoesNotContain("Warning", report, StringComparison.Ordinal);
        long a = EncodedBytes(rle.Dataset);
        long b = EncodedBytes(DicomFile.Open(theirs.Path).Dataset);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{file}: 524288 bytes native, ours {a} ({524288.0 / a:F3}:1), dcmcrle {b} ({524288.0 / b:F3}:1)"));
        Assert.True(a <= b, $"ours {a}, dcmcrle {b}");
    }

    [Fact]
    public void Encoded_size_is_close_to_dcmcrle_over_the_native_corpus()
    {
        long ours = 0;
        long theirs = 0;
        long raw = 0;
        foreach (string relativePath in NativeCorpus().Where(f => !NotRleMaterial.ContainsKey(f)))
        {
            string path = TestData.PathOf(relativePath);
            DicomFile original = DicomFile.Open(path);
            using var dcmtk = new Dcmtk.TempFile();
            Dcmtk.Run("dcmcrle", path, dcmtk.Path);
            long a = EncodedBytes(PixelDataTranscoder.ToRleLossless(original).Dataset);
            long b = EncodedBytes(DicomFile.Open(dcmtk.Path).Dataset);
            PixelData pixels = PixelData.FromFile(original);
            long n = (long)pixels.FrameLength * pixels.FrameCount;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{relativePath}\t{n}\tours {a} ({(double)n / a:F2}:1)\tdcmcrle {b} ({(double)n / b:F2}:1)\tours/dcmcrle {(double)a / b:F4}"));
            // Both are PackBits per row and plane; ours keeps pairs inside literal runs (the G.3.1 note), so it is never larger.
            Assert.True(a <= b, $"{relativePath}: ours {a} bytes, dcmcrle {b}");
            ours += a;
            theirs += b;
            raw += n;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total native {raw} bytes: ours {ours} ({(double)raw / ours:F3}:1), dcmcrle {theirs} ({(double)raw / theirs:F3}:1), ours/dcmcrle {(double)ours / theirs:F4}"));
        Assert.InRange((double)ours / theirs, 0.95, 1.0);
    }

    [Fact]
    public void Rows_are_coded_separately_with_replicate_literal_and_even_segments()
    {
        // 2 rows × 7: "1 1 1 2 3 4 4" then seven 9s. PS3.5 G.3.1: three equal bytes are a replicate run; a pair inside
        // a literal run stays literal; runs never cross a row. The 9-byte segment is padded to 10 (G.5).
        byte[] frame = [1, 1, 1, 2, 3, 4, 4, 9, 9, 9, 9, 9, 9, 9];
        var layout = new RleFrameLayout(2, 7, 1, 8, false);
        byte[] encoded = new byte[RleEncoder.MaxEncodedLength(layout)];
        int length = RleEncoder.Encode(frame, layout, encoded);
        Assert.Equal(64 + 10, length);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(encoded));
        Assert.Equal(64u, BinaryPrimitives.ReadUInt32LittleEndian(encoded.AsSpan(4)));
        Assert.True(encoded.AsSpan(8, 56).IndexOfAnyExcept((byte)0) < 0, "unused segment offsets are zero");
        Assert.Equal(new byte[] { 0xFE, 1, 0x03, 2, 3, 4, 4, 0xFA, 9, 0x80 }, encoded[64..74]);
    }

    [Fact]
    public void Long_runs_split_at_128_bytes()
    {
        byte[] frame = new byte[300];
        for (int i = 100; i < 300; i++)
        {
            frame[i] = (byte)(i * 7);
        }

        var layout = new RleFrameLayout(1, 300, 1, 8, false);
        byte[] encoded = new byte[RleEncoder.MaxEncodedLength(layout)];
        int length = RleEncoder.Encode(frame, layout, encoded);
        // 100 zeros as one replicate run (header 1 − 100); then 200 distinct bytes as literal runs of 128 and 72.
        Assert.Equal(new byte[] { 0x9D, 0 }, encoded[64..66]);
        Assert.Equal(127, encoded[66]);
        Assert.Equal(71, encoded[66 + 129]);
        Assert.Equal(64 + 2 + 129 + 73, length);
        byte[] decoded = new byte[300];
        RleDecoder.Decode(encoded.AsSpan(0, length), decoded, layout);
        Assert.Equal(frame, decoded);
    }

    [Theory]
    [InlineData(8, 1, false)]
    [InlineData(16, 1, false)]
    [InlineData(8, 3, false)]
    [InlineData(8, 3, true)]
    [InlineData(16, 3, false)]
    [InlineData(16, 3, true)]
    [InlineData(32, 1, false)]
    public void Random_frames_round_trip_through_our_decoder(int bitsAllocated, int samples, bool planar)
    {
        var random = new Random(bitsAllocated * 10 + samples + (planar ? 100 : 0));
        for (int round = 0; round < 20; round++)
        {
            var layout = new RleFrameLayout(random.Next(1, 40), random.Next(1, 300), samples, bitsAllocated, planar);
            byte[] frame = new byte[layout.FrameLength];
            // Runs of random length so both run kinds and the 128 limits are exercised.
            for (int i = 0; i < frame.Length;)
            {
                int run = random.Next(1, random.Next(2) == 0 ? 4 : 200);
                frame.AsSpan(i, Math.Min(run, frame.Length - i)).Fill((byte)random.Next(4));
                i += run;
            }

            var writer = new ArrayBufferWriter<byte>();
            int length = RleEncoder.Encode(frame, layout, writer);
            Assert.Equal(0, length % 2);
            Assert.InRange(length, 64, RleEncoder.MaxEncodedLength(layout));
            byte[] decoded = new byte[layout.FrameLength];
            RleDecoder.Decode(writer.WrittenSpan, decoded, layout);
            Assert.Equal(frame, decoded);
        }
    }

    [Fact]
    public void Encoding_into_a_span_allocates_nothing()
    {
        var layout = new RleFrameLayout(256, 256, 3, 16, true);
        byte[] frame = new byte[layout.FrameLength];
        new Random(3).NextBytes(frame.AsSpan(0, frame.Length / 2));
        byte[] destination = new byte[RleEncoder.MaxEncodedLength(layout)];
        RleEncoder.Encode(frame, layout, destination);
        long before = GC.GetAllocatedBytesForCurrentThread();
        RleEncoder.Encode(frame, layout, destination);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Encapsulated_and_YBR_FULL_422_files_are_refused()
    {
        Assert.Throws<DicomException>(() => PixelDataTranscoder.ToRleLossless(DicomFile.Open(TestData.PathOf("pydicom/test_files/MR_small_RLE.dcm"))));
        var ybr = Assert.Throws<DicomException>(() => PixelDataTranscoder.ToRleLossless(DicomFile.Open(TestData.PathOf("dcm4che/YBR_422.dcm"))));
        Assert.Contains("YBR_FULL_422", ybr.Message, StringComparison.Ordinal);
    }

    /// <summary>Our offset table and fragment layout: one fragment per frame, offsets at item starts (PS3.5 Table A.4-1).</summary>
    [Fact]
    public void Multi_frame_file_gets_one_fragment_per_frame_and_a_Basic_Offset_Table()
    {
        DicomFile rle = PixelDataTranscoder.ToRleLossless(DicomFile.Open(TestData.PathOf("pydicom-data/emri_small.dcm")));
        var pixels = (DicomFragmentSequence)rle.Dataset[Telemed.Dicom.Tags.DicomTag.PixelData];
        IReadOnlyList<uint> offsets = pixels.GetBasicOffsets();
        Assert.Equal(10, pixels.Fragments.Count);
        Assert.Equal(10, offsets.Count);
        long expected = 0;
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(expected, offsets[i]);
            Assert.Equal(0, pixels.Fragments[i].Length % 2);
            expected += 8 + pixels.Fragments[i].Length;
        }
    }

    private static long EncodedBytes(DicomDataset dataset) =>
        ((DicomFragmentSequence)dataset[Telemed.Dicom.Tags.DicomTag.PixelData]).Fragments.Sum(f => (long)f.Length);

    /// <summary>The frame as native little endian bytes: Explicit VR Big Endian files hold 16-bit samples byte-swapped.</summary>
    private static byte[] LittleEndianFrame(PixelData pixels, DicomTransferSyntax syntax, int frame)
    {
        byte[] bytes = pixels.GetFrame(frame).ToArray();
        if (syntax.IsBigEndian && pixels.BitsAllocated == 16)
        {
            for (int i = 0; i + 1 < bytes.Length; i += 2)
            {
                (bytes[i], bytes[i + 1]) = (bytes[i + 1], bytes[i]);
            }
        }

        return bytes;
    }

    private static void AssertSameBytes(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        int same = expected.CommonPrefixLength(actual);
        Assert.True(same == expected.Length && expected.Length == actual.Length,
            $"{what}: {expected.Length} vs {actual.Length} bytes, first difference at {same}");
    }
}
