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

    /// <summary>
    /// Most bytes taken from a Stream or PipeReader (the compressed bytes for a Deflated transfer syntax). Reading
    /// buffers what has arrived, growing as it arrives, so this bounds memory whatever lengths the input declares; it
    /// cannot exceed what one array holds (<see cref="Array.MaxLength"/>), which is also the default.
    /// </summary>
    public long MaxFileLength { get; init; } = Array.MaxLength;

    /// <summary>
    /// A Specific Character Set (e.g. "GB18030") to decode with when (0008,0005) is absent, ISO_IR 6 or ISO_IR 100 but
    /// the text is not plausible in it and is plausible in this one (heuristic in <c>CharacterSetFallback</c>). The data
    /// set's <see cref="Text.DicomCharacterSet.IsFallback"/> then records it. Null (the default) trusts the file.
    /// </summary>
    public string? FallbackCharacterSet { get; init; }
}
