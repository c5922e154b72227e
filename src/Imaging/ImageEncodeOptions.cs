namespace Telemed.Imaging;

/// <summary>How <see cref="DicomImageEncoder"/> encodes a rendered frame.</summary>
public sealed record ImageEncodeOptions
{
    public EncodedImageFormat Format { get; init; } = EncodedImageFormat.Png;

    /// <summary>JPEG quality, 1 to 100 (libjpeg's scale); ignored for PNG.</summary>
    public int JpegQuality { get; init; } = 90;

    /// <summary>When set, the image is scaled down (never up) so its longer side is at most this many pixels.</summary>
    public int? MaxSide { get; init; }
}
