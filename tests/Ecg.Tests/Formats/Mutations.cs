using System.Buffers.Binary;

namespace Telemed.Ecg.Tests.Formats;

/// <summary>Deterministic mutations of a valid file for robustness tests: bit flips, byte runs, hostile lengths, cuts.</summary>
internal static class Mutations
{
    public static IEnumerable<byte[]> Of(byte[] original, int count, int seed)
    {
        var rng = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            byte[] m = (byte[])original.Clone();
            int edits = 1 + rng.Next(4);
            for (int e = 0; e < edits; e++)
            {
                switch (rng.Next(6))
                {
                    case 0:
                        m[rng.Next(m.Length)] ^= (byte)(1 << rng.Next(8));
                        break;
                    case 1:
                        m[rng.Next(m.Length)] = (byte)rng.Next(256);
                        break;
                    case 2:
                        // A length-like field set to an extreme.
                        int at = rng.Next(m.Length - 4);
                        uint[] extremes = [0, 1, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, (uint)m.Length, (uint)m.Length + 1];
                        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(at), extremes[rng.Next(extremes.Length)]);
                        break;
                    case 3:
                        Array.Resize(ref m, rng.Next(1, m.Length));
                        break;
                    case 4:
                        int start = rng.Next(m.Length);
                        m.AsSpan(start, Math.Min(m.Length - start, rng.Next(1, 64))).Fill((byte)rng.Next(256));
                        break;
                    default:
                        int from = rng.Next(m.Length);
                        int to = rng.Next(m.Length);
                        int n = Math.Min(Math.Min(m.Length - from, m.Length - to), rng.Next(1, 32));
                        m.AsSpan(from, n).CopyTo(m.AsSpan(to));
                        break;
                }

                if (m.Length < 8)
                {
                    break;
                }
            }

            yield return m;
        }
    }
}
