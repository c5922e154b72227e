namespace Telemed.Dicom.Imaging;

/// <summary>The intended interpretation of the pixel samples (PS3.3 C.7.6.3.1.2), the values this slice renders.</summary>
public enum PhotometricInterpretation
{
    /// <summary>One sample; the minimum value is displayed white.</summary>
    Monochrome1,

    /// <summary>One sample; the minimum value is displayed black.</summary>
    Monochrome2,

    /// <summary>One sample, an index into the Red, Green and Blue Palette Color Lookup Tables.</summary>
    PaletteColor,

    Rgb,

    /// <summary>Y, Cb, Cr at full resolution (PS3.3 C.7.6.3.1.2, ITU-R BT.601 full range).</summary>
    YbrFull,

    /// <summary>Y for every pixel, Cb and Cr shared by each horizontal pair of pixels; native frames are Y Y Cb Cr.</summary>
    YbrFull422,
}
