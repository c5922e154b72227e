namespace Telemed.Ecg.ScpEcg;

/// <summary>Packs codes most significant bit first; the last byte is padded with zero bits.</summary>
internal sealed class ScpBitWriter
{
    private readonly List<byte> _bytes = [];
    private int _current;
    private int _used;

    public void Write(uint value, int count)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            _current = (_current << 1) | (int)((value >> i) & 1);
            if (++_used == 8)
            {
                _bytes.Add((byte)_current);
                _current = 0;
                _used = 0;
            }
        }
    }

    public byte[] ToArray()
    {
        if (_used > 0)
        {
            _bytes.Add((byte)(_current << (8 - _used)));
            _current = 0;
            _used = 0;
        }

        return [.. _bytes];
    }
}
