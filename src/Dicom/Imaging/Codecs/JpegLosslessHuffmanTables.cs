using Telemed.Dicom.Tags;

namespace Telemed.Dicom.Imaging.Codecs;

/// <summary>
/// The four Huffman table slots a lossless scan can select (ITU-T T.81 §B.2.4.2, Th 0–3), in caller-provided
/// (stack) memory: a <see cref="LookaheadBits"/>-bit lookup per table for the common short codes and, for longer
/// codes, MAXCODE and VALPTR − MINCODE per length as in T.81 §F.2.2.3 (Figure F.16).
/// </summary>
internal readonly ref struct JpegLosslessHuffmanTables
{
    /// <summary>Codes up to this length resolve in one table look-up; 9 bits covers nearly every code of real files.</summary>
    public const int LookaheadBits = 9;

    public const int LookupSize = 1 << LookaheadBits;

    /// <summary>Per length 0–16, plus one so that a slot's lengths are 17 apart.</summary>
    public const int LengthSlots = 17;

    public const int SymbolSlots = 256;

    /// <summary>Stack memory one set of tables needs: lookup entries (ushort), code limits (int), symbols (byte).</summary>
    public const int LookupLength = 4 * LookupSize;

    public const int LimitLength = 4 * LengthSlots;

    public const int SymbolLength = 4 * SymbolSlots;

    // Entry = code length << 8 | symbol; 0 means "longer than LookaheadBits" (no code has length 0).
    private readonly Span<ushort> lookup;
    private readonly Span<int> maxCode;
    private readonly Span<int> valueOffset;
    private readonly Span<byte> symbols;

    public JpegLosslessHuffmanTables(Span<ushort> lookup, Span<int> maxCode, Span<int> valueOffset, Span<byte> symbols)
    {
        this.lookup = lookup;
        this.maxCode = maxCode;
        this.valueOffset = valueOffset;
        this.symbols = symbols;
    }

    public ReadOnlySpan<ushort> Lookup => lookup;

    /// <summary>
    /// Builds slot <paramref name="slot"/> from a DHT table's 16 code counts and its symbols (T.81 Annex C: codes
    /// assigned in order of length, each length's codes following the previous length's, shifted left by one).
    /// Lossless tables code SSSS, which T.81 Table H.2 limits to 0–16.
    /// </summary>
    public void Define(int slot, ReadOnlySpan<byte> counts, ReadOnlySpan<byte> values, long offset)
    {
        Span<ushort> entries = lookup.Slice(slot * LookupSize, LookupSize);
        Span<int> limits = maxCode.Slice(slot * LengthSlots, LengthSlots);
        Span<int> offsets = valueOffset.Slice(slot * LengthSlots, LengthSlots);
        entries.Clear();
        values.CopyTo(symbols.Slice(slot * SymbolSlots, SymbolSlots));
        int code = 0;
        int index = 0;
        for (int length = 1; length <= 16; length++)
        {
            int count = counts[length - 1];
            offsets[length] = index - code;
            limits[length] = count == 0 ? -1 : code + count - 1;
            for (int i = 0; i < count; i++, index++, code++)
            {
                // T.81 Annex C: the codes of one length must fit in that many bits.
                if (code >= (1 << length))
                {
                    throw DicomException.At(offset, DicomTag.PixelData, $"JPEG Huffman table {slot} has more codes of length {length} or less than fit (T.81 Annex C)");
                }

                int symbol = values[index];
                if (symbol > 16)
                {
                    throw DicomException.At(offset, DicomTag.PixelData, $"JPEG Huffman table {slot} codes SSSS {symbol}; lossless differences have at most 16 bits (T.81 Table H.2)");
                }

                if (length <= LookaheadBits)
                {
                    int shift = LookaheadBits - length;
                    entries.Slice(code << shift, 1 << shift).Fill((ushort)((length << 8) | symbol));
                }
            }

            code <<= 1;
        }
    }

    /// <summary>
    /// A code longer than <see cref="LookaheadBits"/>: <paramref name="bits"/> holds at least 16 valid bits at its top.
    /// Returns the code length and the symbol, or length 0 for a bit pattern that is no code of the table.
    /// </summary>
    public (int Length, int Symbol) DecodeLong(int slot, ulong bits)
    {
        ReadOnlySpan<int> limits = maxCode.Slice(slot * LengthSlots, LengthSlots);
        for (int length = LookaheadBits + 1; length <= 16; length++)
        {
            int code = (int)(bits >> (64 - length));
            if (code <= limits[length])
            {
                return (length, symbols[(slot * SymbolSlots) + valueOffset[(slot * LengthSlots) + length] + code]);
            }
        }

        return (0, 0);
    }
}
