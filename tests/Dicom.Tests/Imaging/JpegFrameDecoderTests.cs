using System.Globalization;
using Telemed.Dicom.Files;
using Telemed.Dicom.Imaging;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Dicom.Tests.Imaging;

/// <summary>
/// JPEG Baseline, Extended and Lossless frames (PS3.5 §A.4.1) against DCMTK's dcmdjpeg on every such file of the
/// corpus: decoded samples must equal dcmdjpeg's exactly for lossless, and stay within
/// <see cref="LossyMaxDifference"/> and <see cref="LossyMeanDifference"/> for lossy (IDCT arithmetic and chroma upsampling are implementation choices, T.81 §A.3.3).
/// </summary>
public sealed class JpegFrameDecoderTests(ITestOutputHelper output)
{
    /// <summary>
    /// Lossy tolerance in stored units, whatever the precision: the IDCTs differ (JpegLibrary's against IJG's
    /// integer one) by rounding, not by scale. Measured on the corpus: max 3 (8-bit colour), mean at most 0.023.
    /// Box instead of triangular chroma upsampling gives max 75 and mean 2.5, which these limits catch.
    /// </summary>
    private const int LossyMaxDifference = 3;

    private const double LossyMeanDifference = 0.05;

    private static readonly string[] JpegUids =
    [
        "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70",
    ];

    public static TheoryData<string> JpegFiles()
    {
        var data = new TheoryData<string>();
        foreach (CorpusFile file in TestData.CorpusFiles.Where(f => JpegUids.Any(u => f.TransferSyntax.StartsWith(u + " ", StringComparison.Ordinal))))
        {
            data.Add(file.RelativePath);
        }

        return data;
    }

    [Fact]
    public void Corpus_has_the_expected_JPEG_files()
    {
        Assert.Equal(49, JpegFiles().Count);
    }

    [Theory]
    [MemberData(nameof(JpegFiles))]
    public void Decoded_frames_match_dcmdjpeg(string relativePath)
    {
        string path = TestData.PathOf(relativePath);
        using var decompressed = new Dcmtk.TempFile();
        (int exitCode, string error) = Dcmtk.TryRun("dcmdjpeg", path, decompressed.Path);
        if (exitCode != 0)
        {
            // No peer result to compare with: ours must still end in a frame or a DicomException, never a crash.
            Exception? ours = Record.Exception(() => DecodeAll(PixelData.FromFile(DicomFile.Open(path))));
            Assert.True(ours is null or DicomException, $"{relativePath}: {ours?.GetType().Name}: {ours?.Message}");
            output.WriteLine($"{relativePath}: dcmdjpeg fails ({error.Trim()}); ours: {(ours is null ? "decodes" : ours.Message)}");
            return;
        }

        DicomFile file = DicomFile.Open(path);
        if (!file.Dataset.TryGetElement(Telemed.Dicom.Tags.DicomTag.PixelData, out _))
        {
            // pydicom's UN_sequence.dcm: a JPEG transfer syntax and no pixel data at all.
            Assert.Throws<DicomException>(() => PixelData.FromFile(file));
            output.WriteLine($"{relativePath}: no Pixel Data; DicomException as expected");
            return;
        }

        PixelData mine = PixelData.FromFile(file);
        PixelData theirs = PixelData.FromFile(DicomFile.Open(decompressed.Path));
        Assert.True(mine.IsEncapsulated);
        Assert.False(theirs.IsEncapsulated);
        Assert.Equal((theirs.FrameCount, theirs.SamplesPerFrame, theirs.PhotometricInterpretation), (mine.FrameCount, mine.SamplesPerFrame, mine.PhotometricInterpretation));
        // By the codestream, not the transfer syntax: dcmjs's sample-op.dcm is labelled lossless but holds a baseline JPEG.
        bool lossless = StartOfFrame(file) == 0xC3;
        int[] a = new int[mine.SamplesPerFrame];
        int[] b = new int[theirs.SamplesPerFrame];
        int maxDifference = 0;
        long sumDifference = 0;
        long differing = 0;
        for (int frame = 0; frame < mine.FrameCount; frame++)
        {
            mine.DecodeFrame(frame, a);
            theirs.DecodeFrame(frame, b);
            for (int i = 0; i < a.Length; i++)
            {
                int d = Math.Abs(a[i] - b[i]);
                maxDifference = Math.Max(maxDifference, d);
                sumDifference += d;
                differing += d > 0 ? 1 : 0;
            }

            Assert.True(!lossless || maxDifference == 0, $"{relativePath} frame {frame + 1}: lossless frame differs from dcmdjpeg (max {maxDifference})");
        }

        long samples = (long)a.Length * mine.FrameCount;
        double mean = (double)sumDifference / samples;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{relativePath}: {(lossless ? "lossless" : "lossy")}, {mine.FrameCount} frame(s), {samples} samples, {differing} differ, max |d| {maxDifference}, mean |d| {mean:F4}, precision {mine.BitsStored} bits"));
        if (!lossless)
        {
            Assert.True(maxDifference <= LossyMaxDifference && mean <= LossyMeanDifference,
                string.Create(CultureInfo.InvariantCulture, $"{relativePath}: max |d| {maxDifference} (limit {LossyMaxDifference}), mean |d| {mean:F4} (limit {LossyMeanDifference})"));
        }
    }

    [Theory]
    [InlineData("dcm4che/CT-JPEGLosslessSV1.dcm")]
    [InlineData("pydicom/test_files/SC_rgb_dcmtk_+eb+cy+np.dcm")]
    [InlineData("pydicom/test_files/JPGExtended.dcm")]
    public void Corrupted_JPEG_frames_decode_or_throw_DicomException(string relativePath)
    {
        byte[] original = File.ReadAllBytes(TestData.PathOf(relativePath));
        var random = new Random(11);
        int rejected = 0;
        for (int round = 0; round < 200; round++)
        {
            byte[] data = (byte[])original.Clone();
            // Flip bits in the codestream's headers and entropy-coded data, and sometimes cut the stream short.
            int pixelStart = data.Length - Math.Min(data.Length / 2, 4000);
            for (int k = 0; k < 1 + (round % 4); k++)
            {
                data[random.Next(pixelStart, data.Length)] ^= (byte)(1 << random.Next(8));
            }

            Exception? error = Record.Exception(() => PixelData.FromFile(DicomFile.Parse(data)).GetFrame(0));
            if (error is not null)
            {
                Assert.True(error is DicomException, $"round {round}: {error.GetType().Name}: {error.Message}");
                rejected++;
            }
        }

        output.WriteLine($"{relativePath}: {rejected} of 200 corrupted copies rejected with DicomException, the rest decoded");
        Assert.True(rejected > 0, "no corruption was detected at all");
    }

    [Fact]
    public void A_frame_whose_size_disagrees_with_Rows_and_Columns_is_rejected()
    {
        // Swap Rows (0028,0010) for a wrong value: the codestream's SOF says 512 × 512.
        byte[] data = File.ReadAllBytes(TestData.PathOf("dcm4che/CT-JPEGLosslessSV1.dcm"));
        DicomFile file = DicomFile.Parse(data);
        long rows = file.Dataset.First(e => e.Tag == new Telemed.Dicom.Tags.DicomTag(0x0028, 0x0010)).Offset;
        int value = (int)rows + 8; // explicit VR: tag 4, VR 2, length 2
        Assert.Equal(512, BitConverter.ToUInt16(data, value));
        BitConverter.TryWriteBytes(data.AsSpan(value), (ushort)256);
        var error = Assert.Throws<DicomException>(() => PixelData.FromFile(DicomFile.Parse(data)).GetFrame(0));
        Assert.Contains("the JPEG frame is 512 × 512, the data set says Columns 512 × Rows 256", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The SOF marker of the first frame (T.81 §B.2.2), walking marker segments from SOI.</summary>
    private static int StartOfFrame(DicomFile file)
    {
        var pixels = (Telemed.Dicom.Data.DicomFragmentSequence)file.Dataset.First(e => e.Tag == Telemed.Dicom.Tags.DicomTag.PixelData);
        ReadOnlySpan<byte> stream = pixels.Fragments[0].Span;
        for (int at = 2; at + 4 <= stream.Length && stream[at] == 0xFF; at += 2 + ((stream[at + 2] << 8) | stream[at + 3]))
        {
            if (stream[at + 1] is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return stream[at + 1];
            }
        }

        return -1;
    }

    private static void DecodeAll(PixelData pixels)
    {
        for (int i = 0; i < pixels.FrameCount; i++)
        {
            pixels.GetFrame(i);
        }
    }
}
