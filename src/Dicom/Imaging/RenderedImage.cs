namespace Telemed.Dicom.Imaging;

/// <summary>An 8-bit frame ready for display or a PNG: rows top to bottom, no padding between rows.</summary>
public sealed class RenderedImage(int width, int height, RenderedImageFormat format, byte[] pixels, VoiWindow? window)
{
    public int Width { get; } = width;

    public int Height { get; } = height;

    public RenderedImageFormat Format { get; } = format;

    public int BytesPerPixel => Format == RenderedImageFormat.Gray8 ? 1 : 3;

    public byte[] Pixels { get; } = pixels;

    /// <summary>The window applied to a grayscale image (null for colour, or when a VOI LUT table was used).</summary>
    public VoiWindow? Window { get; } = window;
}
