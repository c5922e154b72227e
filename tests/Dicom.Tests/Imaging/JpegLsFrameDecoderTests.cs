using Telemed.Dicom.Files;
using Telemed.Dicom.Imaging;
using Telemed.Dicom.Imaging.Codecs;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Dicom.Tests.Imaging;

/// <summary>
/// JPEG-LS frames (PS3.5 §A.4.3) decoded through Debian's libcharls2 against DCMTK's dcmdjpls (its own CharLS 1.x
/// fork) on every JPEG-LS file of the corpus: lossless frames must be equal sample for sample; near-lossless ones
/// within the codestream's NEAR of the peer (ISO/IEC 14495-1 fully specifies decoding, so conforming decoders agree
/// exactly; measured: all equal).
/// </summary>
public sealed class JpegLsFrameDecoderTests(ITestOutputHelper output)
{
    public static TheoryData<string> JpegLsFiles() => NativeCodecCorpus.FilesWith(JpegLsFrameDecoder.LosslessUid, JpegLsFrameDecoder.NearLosslessUid);

    [Fact]
    public void Corpus_has_the_expected_JPEG_LS_files()
    {
        Assert.Equal(27, JpegLsFiles().Count);
    }

    [Theory]
    [MemberData(nameof(JpegLsFiles))]
    public void Decoded_frames_match_dcmdjpls(string relativePath)
    {
        string path = TestData.PathOf(relativePath);
        using var decompressed = new Dcmtk.TempFile();
        (int exitCode, string error) = Dcmtk.TryRun("dcmdjpls", path, decompressed.Path);
        if (exitCode != 0)
        {
            // No peer result to compare with: ours must still end in frames or a DicomException, never a crash.
            Exception? ours = Record.Exception(() => DecodeAll(PixelData.FromFile(DicomFile.Open(path))));
            Assert.True(ours is null or DicomException, $"{relativePath}: {ours?.GetType().Name}: {ours?.Message}");
            output.WriteLine($"{relativePath}: dcmdjpls fails ({error.Trim()}); ours: {(ours is null ? "decodes" : ours.Message)}");
            return;
        }

        DicomFile file = DicomFile.Open(path);
        PixelData mine = PixelData.FromFile(file);
        PixelData theirs = PixelData.FromFile(DicomFile.Open(decompressed.Path));
        int near = NearLossless(NativeCodecCorpus.FirstFrame(relativePath).Frame);
        FrameComparison result = FrameComparison.Of(mine, theirs);
        output.WriteLine($"{relativePath}: NEAR {near}, {mine.BitsStored} bits, {mine.PhotometricInterpretationName}: {result}");
        Assert.True(result.MaxDifference <= near, $"{relativePath}: max |d| {result.MaxDifference} against dcmdjpls exceeds NEAR {near}");
        if (mine.TransferSyntax.Uid == JpegLsFrameDecoder.LosslessUid)
        {
            Assert.Equal(0, near);
        }
    }

    [Theory]
    [InlineData("pydicom/test_files/MR_small_jpeg_ls_lossless.dcm", 1)]
    [InlineData("pydicom-data/JLSL_RGB_ILV0.dcm", 2)]
    [InlineData("pydicom-data/JLSL_RGB_ILV2.dcm", 3)]
    [InlineData("pydicom/test_files/JPEGLSNearLossless_16.dcm", 4)]
    [InlineData("pylibjpeg-data/JPEGLS/CT1_JLSN.dcm", 5)]
    public void Corrupted_JPEG_LS_frames_decode_or_throw_DicomException(string relativePath, int seed)
    {
        (byte[] frame, JpegFrameExpectation expected, bool signed) = NativeCodecCorpus.FirstFrame(relativePath);
        const int Rounds = 120;
        int rejected = NativeCodecCorpus.Mutate(frame, expected.FrameLength, Rounds, seed,
            (data, destination) => JpegLsFrameDecoder.Decode(data, destination, expected, signed, 1234));
        output.WriteLine($"{relativePath}: {rejected} of {Rounds} damaged codestreams rejected with DicomException, the rest decoded");
        Assert.True(rejected >= Rounds / 3, $"only {rejected} of {Rounds} damaged codestreams were rejected");
    }

    [Fact]
    public void A_frame_whose_size_disagrees_with_Rows_and_Columns_is_rejected()
    {
        (byte[] frame, JpegFrameExpectation expected, bool signed) = NativeCodecCorpus.FirstFrame("pydicom/test_files/MR_small_jpeg_ls_lossless.dcm");
        JpegFrameExpectation wrong = expected with { Rows = expected.Rows / 2 };
        var error = Assert.Throws<DicomException>(() => JpegLsFrameDecoder.Decode(frame, new byte[expected.FrameLength], wrong, signed, 99));
        Assert.Contains("the JPEG-LS frame is 64 × 64, the data set says Columns 64 × Rows 32", error.Message, StringComparison.Ordinal);
        Assert.Equal(99, error.Offset);
    }

    /// <summary>NEAR from the first SOS segment (ISO/IEC 14495-1 §C.2.3: Ls, Ns, Ns × (Ci, Tmi), NEAR, ILV, Al/Ah).</summary>
    private static int NearLossless(ReadOnlySpan<byte> stream)
    {
        for (int at = 2; at + 4 <= stream.Length && stream[at] == 0xFF; at += 2 + ((stream[at + 2] << 8) | stream[at + 3]))
        {
            if (stream[at + 1] == 0xDA)
            {
                int components = stream[at + 4];
                return stream[at + 5 + (2 * components)];
            }
        }

        throw new InvalidDataException("no SOS segment before the scan");
    }

    private static void DecodeAll(PixelData pixels)
    {
        for (int i = 0; i < pixels.FrameCount; i++)
        {
            pixels.GetFrame(i);
        }
    }
}
