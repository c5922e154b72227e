using Telemed.Dicom.Files;
using Telemed.Dicom.Imaging;
using Telemed.Dicom.Imaging.Codecs;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Dicom.Tests.Imaging;

/// <summary>
/// JPEG 2000 and HTJ2K frames (PS3.5 §A.4.4; ISO/IEC 15444-1 and -15) decoded through Debian's libopenjp2-7 against GDCM's
/// <c>gdcmconv --raw</c> on every such file of the corpus. GDCM drives the same OpenJPEG through its own glue (stream
/// handling, colour and sign conventions), so every frame, lossless or not, must come out equal sample for sample.
/// </summary>
public sealed class Jpeg2000FrameDecoderTests(ITestOutputHelper output)
{
    public static TheoryData<string> Jpeg2000Files() => NativeCodecCorpus.FilesWith(
        Jpeg2000FrameDecoder.LosslessUid, Jpeg2000FrameDecoder.LossyUid, Jpeg2000FrameDecoder.HighThroughputLosslessUid,
        Jpeg2000FrameDecoder.HighThroughputLosslessRpclUid, Jpeg2000FrameDecoder.HighThroughputUid);

    [Fact]
    public void Corpus_has_the_expected_JPEG_2000_files()
    {
        Assert.Equal(32, Jpeg2000Files().Count);
    }

    [Theory]
    [MemberData(nameof(Jpeg2000Files))]
    public void Decoded_frames_match_gdcmconv(string relativePath)
    {
        string path = TestData.PathOf(relativePath);
        using var decompressed = new Dcmtk.TempFile();
        (int exitCode, string error) = Dcmtk.TryRun("gdcmconv", "--raw", path, decompressed.Path);
        Exception? ours = Record.Exception(() => DecodeAll(PixelData.FromFile(DicomFile.Open(path))));
        Assert.True(ours is null or DicomException, $"{relativePath}: {ours?.GetType().Name}: {ours?.Message}");
        if (exitCode != 0 || !File.Exists(decompressed.Path))
        {
            // No peer result to compare with: ours must still end in frames or a DicomException, never a crash.
            output.WriteLine($"{relativePath}: gdcmconv fails ({error.Trim()}); ours: {(ours is null ? "decodes" : ours.Message)}");
            return;
        }

        if (ours is not null)
        {
            // The peer decodes what we refuse: say so, and fail unless the refusal is one this library makes on purpose.
            output.WriteLine($"{relativePath}: gdcmconv decodes, ours refuses: {ours.Message}");
            Assert.Contains("Bits Allocated 1 is not supported", ours.Message, StringComparison.Ordinal);
            return;
        }

        PixelData mine = PixelData.FromFile(DicomFile.Open(path));
        PixelData theirs = PixelData.FromFile(DicomFile.Open(decompressed.Path));
        FrameComparison result = FrameComparison.Of(mine, theirs);
        output.WriteLine($"{relativePath}: {mine.TransferSyntax.Name}, {mine.BitsStored} bits, {mine.PhotometricInterpretationName} -> {mine.PhotometricInterpretation}: {result}");
        Assert.Equal(0, result.MaxDifference);
    }

    /// <summary>
    /// GDCM 3.0.21 does not know the HTJ2K transfer syntaxes, so there is no peer for them. Instead: pydicom-data holds
    /// one 640 × 480 RGB image as HTJ2K Lossless and as HTJ2K (irreversible); decoded, the two must be the same picture
    /// up to the lossy coding error (measured: max |d| 4, mean 0.45), which a misread codestream would not be.
    /// </summary>
    [Fact]
    public void HTJ2K_lossy_frame_is_close_to_the_lossless_one()
    {
        PixelData lossless = PixelData.FromFile(DicomFile.Open(TestData.PathOf("pydicom-data/HTJ2KLossless_08_RGB.dcm")));
        PixelData lossy = PixelData.FromFile(DicomFile.Open(TestData.PathOf("pydicom-data/HTJ2K_08_RGB.dcm")));
        int[] a = new int[lossless.SamplesPerFrame];
        int[] b = new int[lossy.SamplesPerFrame];
        lossless.DecodeFrame(0, a);
        lossy.DecodeFrame(0, b);
        int max = 0;
        long sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            int d = Math.Abs(a[i] - b[i]);
            max = Math.Max(max, d);
            sum += d;
        }

        double mean = (double)sum / a.Length;
        output.WriteLine($"HTJ2K lossy vs lossless: max |d| {max}, mean |d| {mean:F3}, {a.Length} samples");
        Assert.True(max <= 8 && mean <= 1, $"max |d| {max}, mean |d| {mean}");
        Assert.True(a.Distinct().Count() > 100, "the lossless frame is (nearly) flat: the comparison would prove nothing");
    }

    [Theory]
    [InlineData("pydicom/test_files/MR_small_jp2klossless.dcm", 1)]
    [InlineData("pydicom/test_files/examples_jpeg2k.dcm", 2)]
    [InlineData("fo-dicom/tests/CT1_J2KI", 3)]
    [InlineData("pylibjpeg-data/JPEG2000/ELSCINT1_JP2vsJ2K.dcm", 4)]
    [InlineData("pydicom-data/HTJ2KLossless_08_RGB.dcm", 5)]
    public void Corrupted_JPEG_2000_frames_decode_or_throw_DicomException(string relativePath, int seed)
    {
        (byte[] frame, JpegFrameExpectation expected, _) = NativeCodecCorpus.FirstFrame(relativePath);
        const int Rounds = 120;
        int rejected = NativeCodecCorpus.Mutate(frame, expected.FrameLength, Rounds, seed,
            (data, destination) => Jpeg2000FrameDecoder.Decode(data, destination, expected, 1234));
        output.WriteLine($"{relativePath}: {rejected} of {Rounds} damaged codestreams rejected with DicomException, the rest decoded");
        Assert.True(rejected > 0, "no damaged codestream was rejected at all");
    }

    [Fact]
    public void A_frame_whose_size_disagrees_with_Rows_and_Columns_is_rejected_before_decoding()
    {
        (byte[] frame, JpegFrameExpectation expected, _) = NativeCodecCorpus.FirstFrame("pydicom/test_files/MR_small_jp2klossless.dcm");
        JpegFrameExpectation wrong = expected with { Columns = 65 };
        var error = Assert.Throws<DicomException>(() => Jpeg2000FrameDecoder.Decode(frame, new byte[wrong.FrameLength], wrong, 77));
        Assert.Contains("the JPEG 2000 image is 64 × 64, the data set says Columns 65 × Rows 64", error.Message, StringComparison.Ordinal);
        Assert.Equal(77, error.Offset);
    }

    [Fact]
    public void A_frame_that_is_not_JPEG_2000_is_rejected()
    {
        (byte[] frame, JpegFrameExpectation expected, _) = NativeCodecCorpus.FirstFrame("pydicom/test_files/MR_small_jpeg_ls_lossless.dcm");
        var error = Assert.Throws<DicomException>(() => Jpeg2000FrameDecoder.Decode(frame, new byte[expected.FrameLength], expected, 5));
        Assert.Contains("neither a JPEG 2000 codestream", error.Message, StringComparison.Ordinal);
    }

    private static void DecodeAll(PixelData pixels)
    {
        for (int i = 0; i < pixels.FrameCount; i++)
        {
            pixels.GetFrame(i);
        }
    }
}
