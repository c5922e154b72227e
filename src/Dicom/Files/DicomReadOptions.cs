namespace Telemed.Dicom.Files;

/// <summary>Limits and switches for reading; the defaults suit files from devices we do not trust.</summary>
public sealed record DicomReadOptions
{
    public static DicomReadOptions Default { get; } = new();

    /// <summary>Stop at the top-level Pixel Data (7FE0,0010): the header is all an index or router needs.</summary>
    public bool StopBeforePixelData { get; init; }

    /// <summary>Deepest sequence nesting accepted; deeper input is treated as hostile (stack and time bound).</summary>
    public int MaxSequenceDepth { get; init; } = 64;

    /// <summary>Largest inflated data set accepted from a Deflated transfer syntax (a zip-bomb bound).</summary>
    public long MaxInflatedLength { get; init; } = 1L << 30;
}
