namespace Telemed.Ecg.ScpEcg;

/// <summary>How <see cref="ScpEcgWriter"/> codes the values of sections 5 and 6.</summary>
public enum ScpHuffmanCoding
{
    /// <summary>No section 2: 16-bit little-endian values.</summary>
    None,

    /// <summary>Section 2 holds only the marker 19999 for EN 1064 Annex C's default table, as carts write it.</summary>
    DefaultTable,

    /// <summary>The same table written out code structure by code structure, as a custom table is.</summary>
    ExplicitTable,
}
