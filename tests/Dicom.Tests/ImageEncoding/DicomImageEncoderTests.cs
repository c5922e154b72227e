using SkiaSharp;
using Telemed.Dicom.Files;
using Telemed.Dicom.Imaging;
using Telemed.Imaging;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Dicom.Tests.ImageEncoding;

public sealed class DicomImageEncoderTests(ITestOutputHelper output)
{
    private static RenderedImage Render(string relativePath, int frame = 0) =>
        ImageRenderer.Render(PixelData.FromFile(DicomFile.Open(TestData.PathOf(relativePath))), frame);

    /// <summary>The decoded image as tightly packed Gray8 or RGB24, the layout of <see cref="RenderedImage.Pixels"/>.</summary>
    private static byte[] Decode(byte[] encoded, RenderedImageFormat format, out int width, out int height)
    {
        using SKBitmap decoded = SKBitmap.Decode(encoded) ?? throw new InvalidOperationException("SkiaSharp could not decode the image");
        width = decoded.Width;
        height = decoded.Height;
        bool gray = format == RenderedImageFormat.Gray8;
        using var target = new SKBitmap(new SKImageInfo(width, height, gray ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque));
        Assert.True(decoded.CopyTo(target, target.ColorType));
        int bytesPerPixel = gray ? 1 : 3;
        byte[] pixels = new byte[width * height * bytesPerPixel];
        ReadOnlySpan<byte> source = target.GetPixelSpan();
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int from = (y * target.RowBytes) + (x * (gray ? 1 : 4));
                source.Slice(from, bytesPerPixel).CopyTo(pixels.AsSpan(((y * width) + x) * bytesPerPixel));
            }
        }

        return pixels;
    }

    [Theory]
    [InlineData("pydicom/test_files/CT_small.dcm")]
    [InlineData("dcm4che/US-RGB-8-esopecho")]
    [InlineData("pydicom-data/emri_small_RLE.dcm")]
    public void PNG_decodes_to_exactly_the_rendered_frame(string relativePath)
    {
        RenderedImage image = Render(relativePath);
        byte[] png = DicomImageEncoder.Encode(image, new ImageEncodeOptions { Format = EncodedImageFormat.Png });
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        byte[] decoded = Decode(png, image.Format, out int width, out int height);
        Assert.Equal((image.Width, image.Height), (width, height));
        Assert.Equal(image.Pixels, decoded);
    }

    [Theory]
    [InlineData("pydicom/test_files/CT_small.dcm", 90, 2.0, 40)]
    [InlineData("pydicom/test_files/CT_small.dcm", 50, 4.0, 80)]
    [InlineData("dcm4che/US-RGB-8-esopecho", 90, 4.0, 128)] // 4:2:0 chroma: coloured edges of annotations blur
    public void JPEG_decodes_close_to_the_rendered_frame(string relativePath, int quality, double maxMeanError, int maxError)
    {
        RenderedImage image = Render(relativePath);
        byte[] jpeg = DicomImageEncoder.Encode(image, new ImageEncodeOptions { Format = EncodedImageFormat.Jpeg, JpegQuality = quality });
        Assert.Equal([0xFF, 0xD8], jpeg[..2]);
        byte[] decoded = Decode(jpeg, image.Format, out int width, out int height);
        Assert.Equal((image.Width, image.Height), (width, height));
        double sum = 0;
        int max = 0;
        for (int i = 0; i < decoded.Length; i++)
        {
            int d = Math.Abs(decoded[i] - image.Pixels[i]);
            sum += d;
            max = Math.Max(max, d);
        }

        double mean = sum / decoded.Length;
        output.WriteLine($"{relativePath} q{quality}: {jpeg.Length} bytes, mean |d| {mean:F3}, max |d| {max}");
        Assert.InRange(mean, 0.01, maxMeanError); // lossy, but not by much
        Assert.InRange(max, 1, maxError);
    }

    [Fact]
    public void Lower_JPEG_quality_gives_a_smaller_file()
    {
        RenderedImage image = Render("pydicom/test_files/CT_small.dcm");
        int high = DicomImageEncoder.Encode(image, new ImageEncodeOptions { Format = EncodedImageFormat.Jpeg, JpegQuality = 95 }).Length;
        int low = DicomImageEncoder.Encode(image, new ImageEncodeOptions { Format = EncodedImageFormat.Jpeg, JpegQuality = 30 }).Length;
        Assert.True(low < high * 0.7, $"quality 30: {low} bytes, 95: {high}");
    }

    [Theory]
    [InlineData(1000, 500, 100, 100, 50)]
    [InlineData(500, 1000, 100, 50, 100)]
    [InlineData(3000, 2500, 256, 256, 213)]
    [InlineData(64, 48, 256, 64, 48)]
    [InlineData(1000, 3, 100, 100, 1)]
    public void Thumbnail_size_keeps_the_aspect_ratio_and_never_enlarges(int width, int height, int maxSide, int expectedWidth, int expectedHeight)
    {
        Assert.Equal((expectedWidth, expectedHeight), DicomImageEncoder.ThumbnailSize(width, height, maxSide));
    }

    /// <summary>
    /// The thumbnail is compared with an area average of the rendered frame: a good reduction filter stays within a
    /// few grey levels of it; nearest-neighbour sampling of a noisy image would not.
    /// </summary>
    [Theory]
    [InlineData("pydicom/test_files/CT_small.dcm", 32)]
    [InlineData("fo-dicom/tests/CR-MONO1-10-chest", 55)]
    public void Thumbnail_is_close_to_an_area_average_of_the_frame(string relativePath, int maxSide)
    {
        RenderedImage image = Render(relativePath);
        byte[] png = DicomImageEncoder.Encode(image, new ImageEncodeOptions { MaxSide = maxSide });
        byte[] thumbnail = Decode(png, image.Format, out int width, out int height);
        Assert.Equal(DicomImageEncoder.ThumbnailSize(image.Width, image.Height, maxSide), (width, height));
        Assert.Equal(maxSide, Math.Max(width, height));

        double error = 0;
        double nearestError = 0;
        for (int ty = 0; ty < height; ty++)
        {
            for (int tx = 0; tx < width; tx++)
            {
                int x0 = tx * image.Width / width, x1 = (tx + 1) * image.Width / width;
                int y0 = ty * image.Height / height, y1 = (ty + 1) * image.Height / height;
                double sum = 0;
                for (int y = y0; y < y1; y++)
                {
                    for (int x = x0; x < x1; x++)
                    {
                        sum += image.Pixels[(y * image.Width) + x];
                    }
                }

                double average = sum / ((x1 - x0) * (y1 - y0));
                error += Math.Abs(thumbnail[(ty * width) + tx] - average);
                nearestError += Math.Abs(image.Pixels[(((y0 + y1) / 2) * image.Width) + ((x0 + x1) / 2)] - average);
            }
        }

        error /= width * height;
        nearestError /= width * height;
        output.WriteLine($"{relativePath} → {width}×{height}: mean |thumbnail − area average| {error:F2}, nearest neighbour {nearestError:F2}");
        Assert.True(error < 4, $"mean difference from the area average {error:F2}");
        Assert.True(error < nearestError, $"filtered {error:F2} is no better than nearest neighbour {nearestError:F2}");
    }

    [Theory]
    [InlineData("x.png", EncodedImageFormat.Png)]
    [InlineData("/tmp/a.JPG", EncodedImageFormat.Jpeg)]
    [InlineData("b.jpeg", EncodedImageFormat.Jpeg)]
    [InlineData("c.jpg.png", EncodedImageFormat.Png)]
    [InlineData("noextension", EncodedImageFormat.Png)]
    public void Format_follows_the_file_extension(string path, EncodedImageFormat expected)
    {
        Assert.Equal(expected, DicomImageEncoder.FormatForPath(path));
    }
}
