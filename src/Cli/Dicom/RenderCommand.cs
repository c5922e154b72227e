using System.Globalization;
using Telemed.Dicom;
using Telemed.Dicom.Files;
using Telemed.Dicom.Imaging;
using Telemed.Imaging;

namespace Telemed.Cli.Dicom;

/// <summary>
/// <c>telemed dicom render &lt;file&gt; --out x.png|x.jpg [--window c,w] [--frame n] [--thumbnail max-side] [--quality q]</c>:
/// one frame as an 8-bit JPEG (for a .jpg or .jpeg name) or PNG (any other name), optionally scaled down to a thumbnail.
/// </summary>
internal static class RenderCommand
{
    public const string Usage = "usage: telemed dicom render <file> --out <x.png|x.jpg> [--window <centre>,<width>] [--frame <n, from 1>] [--thumbnail <max side>] [--quality <1-100, JPEG>]";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse(args);
        string? outPath = options.Get("--out");
        if (options.Positional.Count != 1 || string.IsNullOrEmpty(outPath))
        {
            stderr.WriteLine(Usage);
            return 2;
        }

        if (!TryParseWindow(options.Get("--window"), options.Has("--window"), out VoiWindow? window)
            || !TryParseFrame(options.Get("--frame"), options.Has("--frame"), out int frame)
            || !TryParsePositive(options.Get("--thumbnail"), options.Has("--thumbnail"), 100_000, out int? thumbnail)
            || !TryParsePositive(options.Get("--quality"), options.Has("--quality"), 100, out int? quality))
        {
            stderr.WriteLine(Usage);
            return 2;
        }

        string path = options.Positional[0];
        try
        {
            PixelData pixels = PixelData.FromFile(DicomFile.Open(path));
            if (frame > pixels.FrameCount)
            {
                stderr.WriteLine($"telemed: {path}: frame {frame} requested, the file has {pixels.FrameCount}");
                return 2;
            }

            RenderedImage image = ImageRenderer.Render(pixels, frame - 1, new RenderOptions { Window = window });
            EncodedImageFormat format = DicomImageEncoder.FormatForPath(outPath);
            var encoding = new ImageEncodeOptions { Format = format, MaxSide = thumbnail, JpegQuality = quality ?? 90 };
            File.WriteAllBytes(outPath, DicomImageEncoder.Encode(image, encoding));
            string applied = image.Window is { } w ? string.Create(CultureInfo.InvariantCulture, $", window {w.Center:G6},{w.Width:G6} {w.Function}") : "";
            (int width, int height) = thumbnail is int side ? DicomImageEncoder.ThumbnailSize(image.Width, image.Height, side) : (image.Width, image.Height);
            stdout.WriteLine($"{outPath}: {format} {width}×{height} {image.Format}, frame {frame} of {pixels.FrameCount}{applied}");
            return 0;
        }
        catch (Exception e) when (e is DicomException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"telemed: {path}: {e.Message}");
            return 1;
        }
    }

    private static bool TryParseWindow(string? text, bool given, out VoiWindow? window)
    {
        window = null;
        if (!given)
        {
            return true;
        }

        string[] parts = (text ?? "").Split(',');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double centre)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double width)
            && width >= 1)
        {
            window = new VoiWindow(centre, width);
            return true;
        }

        return false;
    }

    private static bool TryParsePositive(string? text, bool given, int max, out int? value)
    {
        value = null;
        if (!given)
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) && parsed >= 1 && parsed <= max)
        {
            value = parsed;
            return true;
        }

        return false;
    }

    private static bool TryParseFrame(string? text, bool given, out int frame)
    {
        frame = 1;
        return !given || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out frame) && frame >= 1);
    }
}
