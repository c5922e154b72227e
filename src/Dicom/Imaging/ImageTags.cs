using Telemed.Dicom.Tags;

namespace Telemed.Dicom.Imaging;

/// <summary>
/// Tags of the Image Pixel module (PS3.3 C.7.6.3), Multi-frame (C.7.6.6), Modality and VOI LUT modules (C.11.1, C.11.2)
/// and palette colour LUTs (C.7.6.3.1.5). Kept here rather than in <see cref="DicomTag"/> so the imaging slice stays
/// additive.
/// </summary>
internal static class ImageTags
{
    public static DicomTag SamplesPerPixel { get; } = new(0x0028, 0x0002);

    /// <summary>PS3.3 C.7.6.3.1.8: 64-bit offsets of each frame's first fragment item (OV).</summary>
    public static DicomTag ExtendedOffsetTable { get; } = new(0x7FE0, 0x0001);

    /// <summary>PS3.3 C.7.6.3.1.8: 64-bit byte length of each frame (OV); required when the table is present.</summary>
    public static DicomTag ExtendedOffsetTableLengths { get; } = new(0x7FE0, 0x0002);

    public static DicomTag PhotometricInterpretation { get; } = new(0x0028, 0x0004);

    public static DicomTag PlanarConfiguration { get; } = new(0x0028, 0x0006);

    public static DicomTag NumberOfFrames { get; } = new(0x0028, 0x0008);

    public static DicomTag Rows { get; } = new(0x0028, 0x0010);

    public static DicomTag Columns { get; } = new(0x0028, 0x0011);

    public static DicomTag BitsAllocated { get; } = new(0x0028, 0x0100);

    public static DicomTag BitsStored { get; } = new(0x0028, 0x0101);

    public static DicomTag HighBit { get; } = new(0x0028, 0x0102);

    public static DicomTag PixelRepresentation { get; } = new(0x0028, 0x0103);

    public static DicomTag WindowCenter { get; } = new(0x0028, 0x1050);

    public static DicomTag WindowWidth { get; } = new(0x0028, 0x1051);

    public static DicomTag RescaleIntercept { get; } = new(0x0028, 0x1052);

    public static DicomTag RescaleSlope { get; } = new(0x0028, 0x1053);

    public static DicomTag VoiLutFunction { get; } = new(0x0028, 0x1056);

    public static DicomTag RedPaletteColorLookupTableDescriptor { get; } = new(0x0028, 0x1101);

    public static DicomTag GreenPaletteColorLookupTableDescriptor { get; } = new(0x0028, 0x1102);

    public static DicomTag BluePaletteColorLookupTableDescriptor { get; } = new(0x0028, 0x1103);

    public static DicomTag RedPaletteColorLookupTableData { get; } = new(0x0028, 0x1201);

    public static DicomTag GreenPaletteColorLookupTableData { get; } = new(0x0028, 0x1202);

    public static DicomTag BluePaletteColorLookupTableData { get; } = new(0x0028, 0x1203);

    public static DicomTag LutDescriptor { get; } = new(0x0028, 0x3002);

    public static DicomTag LutData { get; } = new(0x0028, 0x3006);

    public static DicomTag VoiLutSequence { get; } = new(0x0028, 0x3010);
}
