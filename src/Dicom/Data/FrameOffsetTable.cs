namespace Telemed.Dicom.Data;

/// <summary>Which table says where each frame of encapsulated pixel data starts (PS3.5 §A.4).</summary>
public enum FrameOffsetTable
{
    /// <summary>32-bit offsets in the first item of Pixel Data: enough while all frames together stay under 4 GiB.</summary>
    Basic,

    /// <summary>
    /// 64-bit offsets and lengths in Extended Offset Table (7FE0,0001) and Extended Offset Table Lengths (7FE0,0002),
    /// PS3.3 C.7.6.3.1.8, with an empty Basic Offset Table; readable from the header alone.
    /// </summary>
    Extended,
}
