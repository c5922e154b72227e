namespace Telemed.Ecg.ScpEcg;

/// <summary>Section 5/6 byte 5 (EN 1064 §5.9.2): what the encoded values are before Huffman coding.</summary>
public enum ScpDifferenceEncoding
{
    /// <summary>The samples themselves.</summary>
    None = 0,

    /// <summary>x[n] − x[n−1] after the first sample.</summary>
    First = 1,

    /// <summary>x[n] − 2x[n−1] + x[n−2] after the first two samples; the smallest values for ECGs, so the shortest codes.</summary>
    Second = 2,
}
