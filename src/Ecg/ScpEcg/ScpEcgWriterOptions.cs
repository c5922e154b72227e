namespace Telemed.Ecg.ScpEcg;

/// <summary>Choices for <see cref="ScpEcgWriter"/>; the defaults give the compact lossless encoding carts use.</summary>
public sealed record ScpEcgWriterOptions
{
    /// <summary>Amplitude value multiplier: nanovolts per stored unit; samples are rounded to it (1000 = 1 µV, 5000 = 5 µV).</summary>
    public int NanovoltsPerUnit { get; init; } = 1000;

    public ScpDifferenceEncoding Differences { get; init; } = ScpDifferenceEncoding.Second;

    public ScpHuffmanCoding Huffman { get; init; } = ScpHuffmanCoding.DefaultTable;

    /// <summary>
    /// Subtract a reference beat (the per-lead median of the beats) in a zone around each QRS and store it in section 5,
    /// with the zones in section 4; lossless, as the reader adds it back.
    /// </summary>
    public bool SubtractReferenceBeat { get; init; }

    /// <summary>
    /// Bimodal compression: outside the QRS protected zones keep one mean value per this many samples (2–4; 1 = off).
    /// Lossy outside the zones; needs <see cref="SubtractReferenceBeat"/>, whose zones it protects.
    /// </summary>
    public int BimodalFactor { get; init; } = 1;

    /// <summary>QRS fiducial samples (0-based) for the subtraction zones; null = detect them with the QRS detector.</summary>
    public IReadOnlyList<long>? QrsFiducials { get; init; }
}
