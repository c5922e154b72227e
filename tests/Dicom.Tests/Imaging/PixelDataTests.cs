using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Imaging;
using Xunit;

namespace Telemed.Dicom.Tests.Imaging;

public sealed class PixelDataTests
{
    /// <summary>A 2 × 2 monochrome image in Explicit VR Little Endian with the given bit layout and 16-bit words.</summary>
    private static PixelData Image(ushort bitsStored, ushort highBit, ushort signed, params ushort[] words)
    {
        var pixels = new DicomBytes();
        foreach (ushort w in words)
        {
            pixels.U16(w);
        }

        byte[] body = new DicomBytes()
            .Explicit(0x0028, 0x0002, "US", new DicomBytes().U16(1).ToArray())
            .ExplicitText(0x0028, 0x0004, "CS", "MONOCHROME2 ")
            .Explicit(0x0028, 0x0010, "US", new DicomBytes().U16(2).ToArray())
            .Explicit(0x0028, 0x0011, "US", new DicomBytes().U16(2).ToArray())
            .Explicit(0x0028, 0x0100, "US", new DicomBytes().U16(16).ToArray())
            .Explicit(0x0028, 0x0101, "US", new DicomBytes().U16(bitsStored).ToArray())
            .Explicit(0x0028, 0x0102, "US", new DicomBytes().U16(highBit).ToArray())
            .Explicit(0x0028, 0x0103, "US", new DicomBytes().U16(signed).ToArray())
            .ExplicitLong(0x7FE0, 0x0010, "OW", (uint)pixels.Length).Raw(pixels.ToArray())
            .ToArray();
        return PixelData.FromDataset(DicomDataset.Parse(body, DicomTransferSyntax.ExplicitVRLittleEndian), DicomTransferSyntax.ExplicitVRLittleEndian);
    }

    [Fact]
    public void Signed_12_bit_values_are_sign_extended_and_bits_above_are_masked()
    {
        // 0xF800 has junk in the 4 unused high bits (overlay-style); 0x0800 is −2048 in 12-bit two's complement.
        PixelData pixels = Image(12, 11, 1, 0x0FFF, 0x0800, 0x07FF, 0xF001);
        int[] values = new int[4];
        pixels.DecodeFrame(0, values);
        Assert.Equal(new[] { -1, -2048, 2047, 1 }, values);
    }

    [Fact]
    public void Unsigned_values_are_masked_and_shifted_down_from_High_Bit()
    {
        // Bits Stored 12 at High Bit 15: the value sits in bits 4..15.
        PixelData pixels = Image(12, 15, 0, 0xFFF0, 0x0010, 0x800F, 0x0000);
        ushort[] values = new ushort[4];
        pixels.DecodeFrame(0, values);
        Assert.Equal(new ushort[] { 4095, 1, 2048, 0 }, values);
        Assert.Throws<InvalidOperationException>(() => Image(12, 11, 1, 0, 0, 0, 0).DecodeFrame(0, new ushort[4]));
    }

    [Fact]
    public void Native_frames_are_slices_of_the_file_buffer()
    {
        byte[] file = File.ReadAllBytes(TestData.PathOf("dcm4che/NM-MONO2-16-13x-heart"));
        PixelData pixels = PixelData.FromFile(DicomFile.Parse(file));
        Assert.Equal(13, pixels.FrameCount);
        ReadOnlyMemory<byte> frame = pixels.GetFrame(3);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(frame, out ArraySegment<byte> segment));
        Assert.Same(file, segment.Array);
        Assert.Equal(pixels.FrameLength, frame.Length);
    }

    [Fact]
    public void Big_endian_words_decode_like_little_endian()
    {
        PixelData little = PixelData.FromFile(DicomFile.Open(TestData.PathOf("pydicom/test_files/MR_small.dcm")));
        PixelData big = PixelData.FromFile(DicomFile.Open(TestData.PathOf("pydicom/test_files/MR_small_bigendian.dcm")));
        int[] a = new int[little.SamplesPerFrame];
        int[] b = new int[big.SamplesPerFrame];
        little.DecodeFrame(0, a);
        big.DecodeFrame(0, b);
        Assert.Equal(a, b);
        Assert.Contains(a, v => v > 255);
    }

    [Fact]
    public void Planar_RGB_decodes_colour_by_pixel()
    {
        // SC_rgb_rle is colour-by-pixel; dcm4che's YBR_FULL RLE is colour-by-plane. Both come out interleaved.
        PixelData planar = PixelData.FromFile(DicomFile.Open(TestData.PathOf("dcm4che/YBR_FULL-RLE.dcm")));
        Assert.True(planar.IsPlanar);
        int[] samples = new int[planar.SamplesPerFrame];
        planar.DecodeFrame(0, samples);
        ReadOnlySpan<byte> frame = planar.GetFrame(0).Span;
        int pixels = planar.Rows * planar.Columns;
        foreach (int p in new[] { 0, 12345, pixels - 1 })
        {
            Assert.Equal((frame[p], frame[pixels + p], frame[(2 * pixels) + p]), (samples[p * 3], samples[(p * 3) + 1], samples[(p * 3) + 2]));
        }
    }

    [Fact]
    public void Other_codecs_are_reported_as_not_available()
    {
        // JPEG XL has no codec here; its YBR_FULL_422 would otherwise be the first complaint.
        var error = Assert.Throws<DicomException>(() => PixelData.FromFile(DicomFile.Open(TestData.PathOf("dcm4che/will-jxl.dcm"))).GetFrame(0));
        Assert.StartsWith("codec not available for ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("(1.2.840.10008.1.2.4.111)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_native_pixel_data_is_rejected()
    {
        var error = Assert.Throws<DicomException>(() => Image(16, 15, 0, 1, 2, 3));
        Assert.Contains("pixel data holds 6 bytes", error.Message, StringComparison.Ordinal);
    }
}
