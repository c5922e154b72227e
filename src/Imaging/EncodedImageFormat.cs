namespace Telemed.Imaging;

/// <summary>The file formats a rendered frame can be encoded to (and the media types DICOMweb rendered resources use).</summary>
public enum EncodedImageFormat
{
    /// <summary>Lossless; image/png.</summary>
    Png,

    /// <summary>Lossy, baseline; image/jpeg.</summary>
    Jpeg,
}
