using SkiaSharp;
using Telemed.Dicom.Imaging;

namespace Telemed.Cli.Dicom;

/// <summary>
/// Encodes a rendered frame as PNG with SkiaSharp. Grayscale stays Gray8; RGB is widened to opaque RGBA because
/// Skia has no 24-bit colour type.
/// </summary>
internal static class PngWriter
{
    public static byte[] Encode(RenderedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        bool gray = image.Format == RenderedImageFormat.Gray8;
        var info = new SKImageInfo(image.Width, image.Height, gray ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        Span<byte> target = bitmap.GetPixelSpan();
        int pixels = image.Width * image.Height;
        if (gray && bitmap.RowBytes == image.Width)
        {
            image.Pixels.AsSpan(0, pixels).CopyTo(target);
        }
        else
        {
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
        }

        using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException("SkiaSharp could not encode the PNG");
        return data.ToArray();
    }
}
