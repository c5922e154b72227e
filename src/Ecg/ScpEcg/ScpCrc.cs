namespace Telemed.Ecg.ScpEcg;

/// <summary>
/// EN 1064 §5.2.1 / §5.3.1: CRC-CCITT (polynomial x^16 + x^12 + x^5 + 1, initial value 0xFFFF, bits MSB first, no final
/// XOR) over the record from byte 3 on, and over each section from its byte 3 on; stored little-endian in the first two bytes.
/// </summary>
internal static class ScpCrc
{
    private static readonly ushort[] Table = BuildTable();

    public static ushort Compute(ReadOnlySpan<byte> data)
    {
        ushort crc = 0xFFFF;
        foreach (byte b in data)
        {
            crc = (ushort)((crc << 8) ^ Table[(crc >> 8) ^ b]);
        }

        return crc;
    }

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (int i = 0; i < 256; i++)
        {
            int c = i << 8;
            for (int bit = 0; bit < 8; bit++)
            {
                c = (c & 0x8000) != 0 ? (c << 1) ^ 0x1021 : c << 1;
            }

            table[i] = (ushort)c;
        }

        return table;
    }
}
