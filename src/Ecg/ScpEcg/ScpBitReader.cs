namespace Telemed.Ecg.ScpEcg;

/// <summary>Bits of a Huffman-coded lead, most significant bit of each byte first (EN 1064 §5.5).</summary>
internal ref struct ScpBitReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private long _position;

    public readonly long BitPosition => _position;

    public readonly long BitsLeft => ((long)_data.Length * 8) - _position;

    /// <summary>The next <paramref name="count"/> (≤ 24) bits without consuming them; zeros past the end.</summary>
    public readonly int Peek(int count)
    {
        int value = 0;
        long index = _position >> 3;
        int offset = (int)(_position & 7);
        for (int i = 0; i < 4; i++)
        {
            value = (value << 8) | (index + i < _data.Length ? _data[(int)(index + i)] : 0);
        }

        return (int)(((uint)value << offset) >> (32 - count));
    }

    public bool TrySkip(int count)
    {
        if (count > BitsLeft)
        {
            return false;
        }

        _position += count;
        return true;
    }

    public bool TryRead(int count, out uint value)
    {
        value = 0;
        if (count > BitsLeft)
        {
            return false;
        }

        for (int i = 0; i < count; i++)
        {
            int b = _data[(int)(_position >> 3)];
            value = (value << 1) | (uint)((b >> (7 - (int)(_position & 7))) & 1);
            _position++;
        }

        return true;
    }
}
