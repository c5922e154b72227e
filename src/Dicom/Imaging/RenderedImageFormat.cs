namespace Telemed.Dicom.Imaging;

/// <summary>Layout of a rendered image's bytes.</summary>
public enum RenderedImageFormat
{
    /// <summary>One byte per pixel, 0 black.</summary>
    Gray8,

    /// <summary>Three bytes per pixel: red, green, blue.</summary>
    Rgb24,
}
