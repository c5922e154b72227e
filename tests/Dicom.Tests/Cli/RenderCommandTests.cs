using System.Globalization;
using SkiaSharp;
using Telemed.Cli;
using Telemed.Dicom.Files;
using Telemed.Dicom.Imaging;
using Telemed.Dicom.Tests.Imaging;
using Xunit;

namespace Telemed.Dicom.Tests.Cli;

public sealed class RenderCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("pydicom/test_files/CT_small.dcm", "40,400", "1")]
    [InlineData("pydicom/test_files/MR_small.dcm", null, null)]
    [InlineData("pydicom-data/emri_small_RLE.dcm", null, "7")]
    [InlineData("dcm4che/CT-JPEGLosslessSV1.dcm", "40,400", null)]
    [InlineData("pylibjpeg-data/JPEGExtended/RG2_JPLY.dcm", null, null)]
    [InlineData("pylibjpeg-data/JPEGLSLossless/RG2_JLSL.dcm", null, null)]
    [InlineData("pydicom-data/RG3_J2KR.dcm", null, null)]
    public void Grayscale_PNG_decodes_to_our_8_bit_buffer(string relativePath, string? window, string? frame)
    {
        string path = TestData.PathOf(relativePath);
        using var png = new Dcmtk.TempFile();
        var args = new List<string> { "dicom", "render", path, "--out", png.Path };
        if (window is not null)
        {
            args.AddRange(["--window", window]);
        }

        if (frame is not null)
        {
            args.AddRange(["--frame", frame]);
        }

        var (code, output, error) = Run([.. args]);
        Assert.True(code == 0, error);
        Assert.Contains("Gray8", output, StringComparison.Ordinal);

        PixelData pixels = PixelData.FromFile(DicomFile.Open(path));
        string[] cw = window?.Split(',') ?? [];
        var options = new RenderOptions
        {
            Window = window is null ? null : new VoiWindow(double.Parse(cw[0], CultureInfo.InvariantCulture), double.Parse(cw[1], CultureInfo.InvariantCulture)),
        };
        RenderedImage expected = ImageRenderer.Render(pixels, int.Parse(frame ?? "1", CultureInfo.InvariantCulture) - 1, options);

        using SKBitmap decoded = SKBitmap.Decode(png.Path);
        Assert.Equal((expected.Width, expected.Height), (decoded.Width, decoded.Height));
        using SKBitmap gray = new(new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        Assert.True(decoded.CopyTo(gray, SKColorType.Gray8));
        byte[] actual = new byte[expected.Pixels.Length];
        for (int y = 0; y < gray.Height; y++)
        {
            gray.GetPixelSpan().Slice(y * gray.RowBytes, gray.Width).CopyTo(actual.AsSpan(y * gray.Width));
        }

        Assert.Equal(expected.Pixels, actual);
    }

    [Fact]
    public void Colour_PNG_keeps_RGB_values_of_a_YBR_FULL_RLE_file()
    {
        string path = TestData.PathOf("dcm4che/YBR_FULL-RLE.dcm");
        using var png = new Dcmtk.TempFile();
        var (code, _, error) = Run("dicom", "render", path, "--out", png.Path);
        Assert.True(code == 0, error);
        RenderedImage expected = ImageRenderer.Render(PixelData.FromFile(DicomFile.Open(path)), 0);
        Assert.Equal(RenderedImageFormat.Rgb24, expected.Format);
        using SKBitmap decoded = SKBitmap.Decode(png.Path);
        int checkedPixels = 0;
        for (int i = 0; i < expected.Width * expected.Height; i += 997)
        {
            SKColor c = decoded.GetPixel(i % expected.Width, i / expected.Width);
            Assert.Equal((expected.Pixels[i * 3], expected.Pixels[(i * 3) + 1], expected.Pixels[(i * 3) + 2]), (c.Red, c.Green, c.Blue));
            checkedPixels++;
        }

        Assert.True(checkedPixels > 100);
    }

    [Fact]
    public void JPEG_XL_file_fails_with_codec_not_available()
    {
        using var png = new Dcmtk.TempFile();
        var (code, _, error) = Run("dicom", "render", TestData.PathOf("dcm4che/will-jxl.dcm"), "--out", png.Path);
        Assert.Equal(1, code);
        Assert.Contains("codec not available for ", error, StringComparison.Ordinal);
        Assert.Contains("(1.2.840.10008.1.2.4.111)", error, StringComparison.Ordinal);
        Assert.False(File.Exists(png.Path));
    }

    [Fact]
    public void JPEG_thumbnail_follows_the_extension_and_keeps_the_aspect_ratio()
    {
        string path = TestData.PathOf("fo-dicom/tests/CR-ModalitySequenceLUT.dcm");
        string jpg = Path.Combine(Path.GetTempPath(), $"telemed-{Guid.NewGuid():N}.jpg");
        try
        {
            var (code, output, error) = Run("dicom", "render", path, "--out", jpg, "--thumbnail", "256", "--quality", "80");
            Assert.True(code == 0, error);
            RenderedImage full = ImageRenderer.Render(PixelData.FromFile(DicomFile.Open(path)), 0);
            using SKCodec codec = SKCodec.Create(jpg);
            Assert.Equal(SKEncodedImageFormat.Jpeg, codec.EncodedFormat);
            Assert.Equal(256, Math.Max(codec.Info.Width, codec.Info.Height));
            Assert.InRange((double)codec.Info.Width / codec.Info.Height, ((double)full.Width / full.Height) - 0.01, ((double)full.Width / full.Height) + 0.01);
            Assert.Contains($"Jpeg {codec.Info.Width}×{codec.Info.Height}", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(jpg);
        }
    }

    [Fact]
    public void Usage_errors_exit_with_2()
    {
        string path = TestData.PathOf("pydicom/test_files/CT_small.dcm");
        Assert.Equal(2, Run("dicom", "render", path).Code);
        Assert.Equal(2, Run("dicom", "render", path, "--out", "x.png", "--window", "40").Code);
        Assert.Equal(2, Run("dicom", "render", path, "--out", "x.png", "--frame", "0").Code);
        Assert.Equal(2, Run("dicom", "render", path, "--out", "x.png", "--frame", "2").Code);
        Assert.Equal(2, Run("dicom", "render", path, "--out", "x.png", "--thumbnail", "0").Code);
        Assert.Equal(2, Run("dicom", "render", path, "--out", "x.jpg", "--quality", "101").Code);
    }
}
