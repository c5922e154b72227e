using Telemed.Dicom.Files;
using Telemed.Dicom.Imaging;
using Telemed.Dicom.Tags;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Dicom.Tests.Imaging;

public sealed class RleDecoderTests(ITestOutputHelper output)
{
    private const string RleLossless = "1.2.840.10008.1.2.5";

    /// <summary>
    /// Bits Allocated 1 (segmentation masks): DCMTK's RLE decoder refuses them ("only supports images where
    /// BitsAllocated is a multiple of 8") and so does ours, so there is no peer to compare with.
    /// </summary>
    private static readonly string[] OneBitFiles = ["pydicom-data/liver_nonbyte_aligned_rle.dcm", "pydicom-data/liver_rle.dcm"];

    public static TheoryData<string> RleFiles()
    {
        var data = new TheoryData<string>();
        foreach (CorpusFile file in TestData.CorpusFiles.Where(f => f.TransferSyntax.StartsWith(RleLossless + " ", StringComparison.Ordinal)))
        {
            if (!OneBitFiles.Contains(file.RelativePath))
            {
                data.Add(file.RelativePath);
            }
        }

        return data;
    }

    [Fact]
    public void Corpus_has_the_expected_RLE_files()
    {
        Assert.Equal(17, RleFiles().Count);
    }

    [Theory]
    [MemberData(nameof(RleFiles))]
    public void Decoded_frames_equal_dcmdrle_output_byte_for_byte(string relativePath)
    {
        string path = TestData.PathOf(relativePath);
        using var decompressed = new Dcmtk.TempFile();
        Dcmtk.Run("dcmdrle", path, decompressed.Path);

        PixelData ours = PixelData.FromFile(DicomFile.Open(path));
        PixelData theirs = PixelData.FromFile(DicomFile.Open(decompressed.Path));
        Assert.True(ours.IsEncapsulated);
        Assert.False(theirs.IsEncapsulated);
        Assert.Equal(theirs.FrameCount, ours.FrameCount);
        Assert.Equal(theirs.FrameLength, ours.FrameLength);
        for (int frame = 0; frame < ours.FrameCount; frame++)
        {
            ReadOnlySpan<byte> a = ours.GetFrame(frame).Span;
            ReadOnlySpan<byte> b = theirs.GetFrame(frame).Span;
            int firstDifference = a.CommonPrefixLength(b);
            Assert.True(firstDifference == a.Length && a.Length == b.Length,
                $"{relativePath} frame {frame + 1}: first difference at byte {firstDifference} of {a.Length}");
        }

        output.WriteLine($"{relativePath}: {ours.FrameCount} frame(s) of {ours.FrameLength} bytes equal to dcmdrle");
    }

    [Fact]
    public void One_bit_RLE_is_rejected_with_a_DicomException()
    {
        var error = Assert.Throws<DicomException>(() => PixelData.FromFile(DicomFile.Open(TestData.PathOf(OneBitFiles[1]))));
        Assert.Contains("Bits Allocated 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decodes_literal_and_replicate_runs_and_skips_the_no_op()
    {
        // 2 × 4 pixels, 8-bit: row 1 literal "1 2 3 4", row 2 "9" repeated 4 times, with a -128 no-op between.
        byte[] encoded = Frame([[0x03, 1, 2, 3, 4, 0x80, 0xFD, 9]]);
        byte[] frame = new byte[8];
        RleDecoder.Decode(encoded, frame, new RleFrameLayout(2, 4, 1, 8, false));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 9, 9, 9, 9 }, frame);
    }

    [Fact]
    public void Sixteen_bit_segments_are_high_byte_first_and_land_little_endian()
    {
        // PS3.5 G.2: segment 1 holds the most significant bytes, segment 2 the least significant.
        byte[] encoded = Frame([[0x01, 0x12, 0xAB], [0x01, 0x34, 0xCD]]);
        byte[] frame = new byte[4];
        RleDecoder.Decode(encoded, frame, new RleFrameLayout(1, 2, 1, 16, false));
        Assert.Equal(new byte[] { 0x34, 0x12, 0xCD, 0xAB }, frame);
    }

    [Fact]
    public void Wrong_segment_count_names_the_offset()
    {
        byte[] encoded = Frame([[0x01, 1, 2]]);
        var error = Assert.Throws<DicomException>(() => RleDecoder.Decode(encoded, new byte[6], new RleFrameLayout(1, 2, 3, 8, false), fileOffset: 1000));
        Assert.Equal(1000, error.Offset);
        Assert.Equal(DicomTag.PixelData, error.Tag);
        Assert.Contains("declares 1 segment(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Segment_offset_past_the_end_names_the_offset_of_the_bad_entry()
    {
        byte[] encoded = Frame([[0x01, 1, 2], [0x01, 3, 4]]);
        BitConverter.TryWriteBytes(encoded.AsSpan(8), 5000u); // second segment's offset
        var error = Assert.Throws<DicomException>(() => RleDecoder.Decode(encoded, new byte[4], new RleFrameLayout(1, 2, 1, 16, false), fileOffset: 1000));
        Assert.Equal(1008, error.Offset);
        Assert.Contains("segment 2 offset 5000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Segments_out_of_order_are_rejected()
    {
        byte[] encoded = Frame([[0x01, 1, 2], [0x01, 3, 4]]);
        BitConverter.TryWriteBytes(encoded.AsSpan(4), 67u); // first segment now starts after the second
        Assert.Throws<DicomException>(() => RleDecoder.Decode(encoded, new byte[4], new RleFrameLayout(1, 2, 1, 16, false)));
    }

    [Fact]
    public void Short_segment_and_truncated_literal_are_rejected()
    {
        var shortPlane = Assert.Throws<DicomException>(() => RleDecoder.Decode(Frame([[0x00, 7]]), new byte[4], new RleFrameLayout(2, 2, 1, 8, false)));
        Assert.Contains("decodes to 1 byte(s), the frame needs 4", shortPlane.Message, StringComparison.Ordinal);
        var truncated = Assert.Throws<DicomException>(() => RleDecoder.Decode(Frame([[0x05, 7, 8]]), new byte[4], new RleFrameLayout(2, 2, 1, 8, false), 100));
        Assert.Equal(164, truncated.Offset);
        Assert.Throws<DicomException>(() => RleDecoder.Decode(new byte[10], new byte[4], new RleFrameLayout(2, 2, 1, 8, false)));
    }

    [Fact]
    public void Corrupted_RLE_frames_decode_or_throw_DicomException()
    {
        byte[] original = File.ReadAllBytes(TestData.PathOf("pydicom/test_files/MR_small_RLE.dcm"));
        var random = new Random(7);
        int rejected = 0;
        for (int round = 0; round < 300; round++)
        {
            byte[] data = (byte[])original.Clone();
            int pixelStart = data.Length - 6000;
            data[random.Next(pixelStart, data.Length)] ^= (byte)(1 << random.Next(8));
            Exception? error = Record.Exception(() =>
            {
                PixelData pixels = PixelData.FromFile(DicomFile.Parse(data));
                pixels.GetFrame(0);
            });
            if (error is not null)
            {
                Assert.True(error is DicomException, $"round {round}: {error.GetType().Name}: {error.Message}");
                rejected++;
            }
        }

        Assert.True(rejected > 0, "no corruption was detected at all");
    }

    /// <summary>An RLE frame: the 64-byte header (PS3.5 G.5) with the segment offsets, then the segments.</summary>
    internal static byte[] Frame(byte[][] segments)
    {
        var bytes = new List<byte>(new byte[64]);
        BitConverter.TryWriteBytes(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes), (uint)segments.Length);
        for (int i = 0; i < segments.Length; i++)
        {
            byte[] offset = BitConverter.GetBytes((uint)bytes.Count);
            for (int k = 0; k < 4; k++)
            {
                bytes[4 + (4 * i) + k] = offset[k];
            }

            bytes.AddRange(segments[i]);
        }

        return [.. bytes];
    }
}
