namespace Telemed.Dicom.Imaging;

/// <summary>
/// What an RLE Lossless frame decodes to (PS3.5 Annex G): one segment per byte of each sample, so
/// Samples per Pixel × Bits Allocated / 8 segments of Rows × Columns bytes each. The decoded frame is laid out as
/// native pixel data would be: little endian, colour-by-pixel or, when <see cref="IsPlanar"/>, colour-by-plane.
/// </summary>
public readonly record struct RleFrameLayout(int Rows, int Columns, int SamplesPerPixel, int BitsAllocated, bool IsPlanar)
{
    public int BytesPerSample => BitsAllocated / 8;

    public int SegmentCount => SamplesPerPixel * BytesPerSample;

    public int Pixels => Rows * Columns;

    public int FrameLength => Pixels * SegmentCount;

    /// <summary>
    /// PS3.5 G.2: segments run from the most significant byte of the first sample to the least significant byte of
    /// the last. Returns where the segment's first byte lands in the frame and the distance between its bytes.
    /// </summary>
    internal (int Start, int Stride) Placement(int segment)
    {
        int sample = segment / BytesPerSample;
        int byteInSample = BytesPerSample - 1 - (segment % BytesPerSample); // little-endian position
        return IsPlanar
            ? ((sample * Pixels * BytesPerSample) + byteInSample, BytesPerSample)
            : ((sample * BytesPerSample) + byteInSample, SegmentCount);
    }

    internal void Validate()
    {
        if (Rows <= 0 || Columns <= 0 || SamplesPerPixel <= 0)
        {
            throw new DicomException($"RLE frame of {Rows} × {Columns} × {SamplesPerPixel} samples is not an image");
        }

        if (BitsAllocated % 8 != 0 || BitsAllocated <= 0)
        {
            throw new DicomException($"RLE Lossless here supports Bits Allocated that are whole bytes, not {BitsAllocated}");
        }

        if (SegmentCount > 15)
        {
            throw new DicomException($"{SegmentCount} segments needed, PS3.5 G.5 allows at most 15");
        }
    }
}
