using SkiaSharp;
using Telemed.Dicom.Imaging;

namespace Telemed.Imaging;

/// <summary>
/// Encodes a rendered 8-bit frame (<see cref="ImageRenderer"/>) as PNG or JPEG with SkiaSharp, optionally scaled down
/// to a thumbnail. Grayscale stays Gray8 (one channel in the file); RGB is widened to opaque RGBA because Skia has no
/// 24-bit colour type.
/// </summary>
public static class DicomImageEncoder
{
    public static byte[] Encode(RenderedImage image, ImageEncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        options ??= new ImageEncodeOptions();
        if (options.JpegQuality is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.JpegQuality, "JPEG quality is 1 to 100");
        }

        using SKBitmap full = ToBitmap(image);
        using SKBitmap? scaled = options.MaxSide is int maxSide ? Downscale(full, maxSide) : null;
        SKBitmap bitmap = scaled ?? full;
        using SKPixmap pixmap = bitmap.PeekPixels();
        using SKData? data = options.Format == EncodedImageFormat.Jpeg
            ? pixmap.Encode(new SKJpegEncoderOptions(options.JpegQuality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore))
            : pixmap.Encode(SKPngEncoderOptions.Default);
        return data?.ToArray() ?? throw new InvalidOperationException($"SkiaSharp could not encode the {options.Format}");
    }

    /// <summary>The format a file name asks for: JPEG for .jpg and .jpeg (any case), PNG for anything else.</summary>
    public static EncodedImageFormat FormatForPath(string path)
    {
        string extension = Path.GetExtension(path ?? "").ToUpperInvariant();
        return extension is ".JPG" or ".JPEG" ? EncodedImageFormat.Jpeg : EncodedImageFormat.Png;
    }

    /// <summary>The size of a thumbnail whose longer side is at most <paramref name="maxSide"/>, keeping the aspect ratio.</summary>
    public static (int Width, int Height) ThumbnailSize(int width, int height, int maxSide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        int longer = Math.Max(width, height);
        if (longer <= maxSide)
        {
            return (width, height);
        }

        double scale = (double)maxSide / longer;
        return (Math.Clamp((int)Math.Round(width * scale), 1, maxSide), Math.Clamp((int)Math.Round(height * scale), 1, maxSide));
    }

    private static SKBitmap ToBitmap(RenderedImage image)
    {
        bool gray = image.Format == RenderedImageFormat.Gray8;
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, gray ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque));
        Span<byte> target = bitmap.GetPixelSpan();
        for (int row = 0; row < image.Height; row++)
        {
            Span<byte> line = target.Slice(row * bitmap.RowBytes, bitmap.RowBytes);
            ReadOnlySpan<byte> source = image.Pixels.AsSpan(row * image.Width * image.BytesPerPixel, image.Width * image.BytesPerPixel);
            if (gray)
            {
                source.CopyTo(line);
                continue;
            }

            for (int x = 0; x < image.Width; x++)
            {
                line[x * 4] = source[x * 3];
                line[(x * 4) + 1] = source[(x * 3) + 1];
                line[(x * 4) + 2] = source[(x * 3) + 2];
                line[(x * 4) + 3] = 255;
            }
        }

        return bitmap;
    }

    /// <summary>
    /// Halves with a bilinear filter (at exactly half size that is a 2 × 2 box average) while the image is more than
    /// twice the target, then finishes with a Mitchell cubic: a single cubic step over a large factor would skip most
    /// source pixels and alias. Null when no scaling is needed.
    /// </summary>
    private static SKBitmap? Downscale(SKBitmap source, int maxSide)
    {
        (int width, int height) = ThumbnailSize(source.Width, source.Height, maxSide);
        if (width == source.Width && height == source.Height)
        {
            return null;
        }

        SKBitmap current = source;
        while (current.Width / 2 >= width * 2 && current.Height / 2 >= height * 2)
        {
            SKBitmap half = Resize(current, current.Width / 2, current.Height / 2, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
            if (!ReferenceEquals(current, source))
            {
                current.Dispose();
            }

            current = half;
        }

        SKBitmap result = Resize(current, width, height, new SKSamplingOptions(SKCubicResampler.Mitchell));
        if (!ReferenceEquals(current, source))
        {
            current.Dispose();
        }

        return result;
    }

    private static SKBitmap Resize(SKBitmap source, int width, int height, SKSamplingOptions sampling) =>
        source.Resize(new SKImageInfo(width, height, source.ColorType, SKAlphaType.Opaque), sampling)
            ?? throw new InvalidOperationException($"SkiaSharp could not scale {source.Width}×{source.Height} to {width}×{height}");
}
