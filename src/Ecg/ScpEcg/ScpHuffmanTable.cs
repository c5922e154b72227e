namespace Telemed.Ecg.ScpEcg;

/// <summary>
/// One Huffman table of section 2 (EN 1064 §5.5): code structures of (prefix bits, total bits, table-mode switch, base
/// value, base code). A structure whose total exceeds its prefix is an escape: the value follows the prefix as a
/// (total − prefix)-bit two's-complement number, most significant bit first, added to the base value.
/// </summary>
internal sealed class ScpHuffmanTable
{
    /// <summary>Section 2's table count that means "the default table of Annex C" and nothing else follows.</summary>
    public const ushort DefaultTableMarker = 19999;

    public const int MaxPrefixBits = 32;

    private readonly byte[] _prefixBits;
    private readonly byte[] _totalBits;
    private readonly bool[] _switchTable;
    private readonly short[] _baseValue;
    private readonly uint[] _code; // prefix bits as read from the stream (first bit most significant)

    public ScpHuffmanTable(byte[] prefixBits, byte[] totalBits, bool[] switchTable, short[] baseValue, uint[] code)
    {
        _prefixBits = prefixBits;
        _totalBits = totalBits;
        _switchTable = switchTable;
        _baseValue = baseValue;
        _code = code;
        MaxPrefix = prefixBits.Length == 0 ? 0 : prefixBits.Max();
        _lookup = MaxPrefix <= LookupBits ? BuildLookup() : null;
    }

    /// <summary>Tables with prefixes up to this many bits decode through one array look-up per value.</summary>
    private const int LookupBits = 12;

    // Entry for every MaxPrefix-bit window starting with that entry's prefix; −1 where no prefix matches.
    private readonly short[]? _lookup;

    private short[] BuildLookup()
    {
        var lookup = new short[1 << MaxPrefix];
        Array.Fill(lookup, (short)-1);
        for (int i = 0; i < _prefixBits.Length; i++)
        {
            int shift = MaxPrefix - _prefixBits[i];
            int start = (int)(_code[i] << shift);
            for (int k = 0; k < 1 << shift; k++)
            {
                lookup[start + k] = (short)i; // a non prefix-free table was refused before construction
            }
        }

        return lookup;
    }

    /// <summary>Decodes the next code structure from <paramref name="bits"/>: its entry index, or −1 when no prefix matches.</summary>
    public int DecodeEntry(ref ScpBitReader bits)
    {
        if (_lookup is not null)
        {
            int entry = _lookup[bits.Peek(MaxPrefix)];
            if (entry >= 0 && !bits.TrySkip(_prefixBits[entry]))
            {
                return -1;
            }

            return entry;
        }

        uint code = 0;
        for (int length = 1; length <= MaxPrefix; length++)
        {
            if (!bits.TryRead(1, out uint bit))
            {
                return -1;
            }

            code = (code << 1) | bit;
            int entry = Find(code, length);
            if (entry >= 0)
            {
                return entry;
            }
        }

        return -1;
    }

    /// <summary>Null when the structures form a valid prefix code; otherwise what is wrong with them.</summary>
    public static string? Problem(byte[] prefixBits, byte[] totalBits, uint[] code)
    {
        for (int i = 0; i < prefixBits.Length; i++)
        {
            if (prefixBits[i] is < 1 or > MaxPrefixBits || totalBits[i] < prefixBits[i] || totalBits[i] - prefixBits[i] > 31)
            {
                return $"code structure {i + 1}: {prefixBits[i]} prefix bits of {totalBits[i]} total is not a usable code.";
            }

            if (prefixBits[i] < 32 && code[i] >> prefixBits[i] != 0)
            {
                return $"code structure {i + 1}: base code has more bits than its {prefixBits[i]}-bit prefix.";
            }

            for (int j = 0; j < i; j++)
            {
                int shorter = Math.Min(prefixBits[i], prefixBits[j]);
                if ((code[i] >> (prefixBits[i] - shorter)) == (code[j] >> (prefixBits[j] - shorter)))
                {
                    return $"code structures {j + 1} and {i + 1}: one prefix begins the other, so the code cannot be decoded.";
                }
            }
        }

        return null;
    }

    public int Count => _prefixBits.Length;

    public int MaxPrefix { get; }

    /// <summary>
    /// EN 1064 Annex C default table: 0 → "0", ±1…±8 → 1…8 ones then "0" then the sign bit (0 positive), and two escapes
    /// "1111111110" + 8-bit value and "1111111111" + 16-bit value.
    /// </summary>
    public static ScpHuffmanTable Default { get; } = BuildDefault();

    private static ScpHuffmanTable BuildDefault()
    {
        var prefix = new byte[19];
        var total = new byte[19];
        var switches = new bool[19];
        var values = new short[19];
        var codes = new uint[19];
        prefix[0] = total[0] = 1; // "0"
        for (int m = 1; m <= 8; m++)
        {
            // m ones, a zero, then the sign: e.g. +1 = "100", −1 = "101", +8 = "1111111100".
            uint ones = ((1u << m) - 1) << 2;
            for (int sign = 0; sign < 2; sign++)
            {
                int i = (2 * m) - 1 + sign;
                prefix[i] = total[i] = (byte)(m + 2);
                values[i] = (short)(sign == 0 ? m : -m);
                codes[i] = ones | (uint)sign;
            }
        }

        prefix[17] = prefix[18] = 10;
        total[17] = 18;
        total[18] = 26;
        codes[17] = 0b1111111110;
        codes[18] = 0b1111111111;
        return new ScpHuffmanTable(prefix, total, switches, values, codes);
    }

    /// <summary>The structure whose prefix of <paramref name="length"/> bits is <paramref name="code"/>, or −1.</summary>
    public int Find(uint code, int length)
    {
        for (int i = 0; i < _prefixBits.Length; i++)
        {
            if (_prefixBits[i] == length && _code[i] == code)
            {
                return i;
            }
        }

        return -1;
    }

    public int PrefixBits(int entry) => _prefixBits[entry];

    public int ExtraBits(int entry) => _totalBits[entry] - _prefixBits[entry];

    public bool SwitchesTable(int entry) => _switchTable[entry];

    public short BaseValue(int entry) => _baseValue[entry];

    public uint Code(int entry) => _code[entry];

    /// <summary>The writer's encoding of <paramref name="value"/> in this table: entry index, or −1 if no code fits.</summary>
    public int EntryFor(int value)
    {
        int escape = -1;
        for (int i = 0; i < _prefixBits.Length; i++)
        {
            if (_switchTable[i])
            {
                continue;
            }

            int extra = ExtraBits(i);
            if (extra == 0 && _baseValue[i] == value)
            {
                return i;
            }

            long offset = value - (long)_baseValue[i];
            if (extra is > 0 and < 32 && offset >= -(1L << (extra - 1)) && offset < (1L << (extra - 1))
                && (escape < 0 || extra < ExtraBits(escape)))
            {
                escape = i;
            }
        }

        return escape;
    }
}
