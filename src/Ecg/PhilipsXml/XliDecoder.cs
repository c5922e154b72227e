using System.Buffers.Binary;
using Telemed.Ecg.Formats;

namespace Telemed.Ecg.PhilipsXml;

/// <summary>
/// XLI, the waveform compression of Philips Sierra/PhilipsECG XML (format facts as documented by sierra-ecg-tools): per
/// lead an 8-byte header (int32 compressed size, int16 unused, int16 first delta base), then LZW data of 10-bit codes
/// (most significant bit first, 256 one-byte strings to start, codes up to 1022 added); the output is all high bytes,
/// then all low bytes, of 16-bit second-order deltas.
/// </summary>
internal sealed class XliDecoder
{
    private const int CodeBits = 10;
    private const int MaxCode = (1 << CodeBits) - 2;
    private const int HeaderBytes = 8;

    // The LZW dictionary as parallel arrays: a string is its prefix code plus one byte, so nothing is allocated per code.
    private readonly int[] _prefix = new int[MaxCode + 1];
    private readonly byte[] _suffix = new byte[MaxCode + 1];
    private readonly int[] _length = new int[MaxCode + 1];
    private readonly byte[] _first = new byte[MaxCode + 1];

    /// <summary>Decodes consecutive lead chunks of <paramref name="data"/>, each into <paramref name="samplesPerLead"/> samples.</summary>
    public int[][] Decode(ReadOnlySpan<byte> data, int leadCount, int samplesPerLead)
    {
        // One 10-bit code yields at most a dictionary string (≤ 1023 bytes): more output than that cannot be in the data,
        // so a hostile duration is refused before anything of its size is allocated.
        if ((long)leadCount * samplesPerLead * 2 > ((long)data.Length * 8 / CodeBits * (MaxCode + 1)) + 1)
        {
            throw Error("parsedwaveforms", $"{data.Length} bytes of XLI data cannot expand to {leadCount} leads of {samplesPerLead} samples.");
        }

        var leads = new int[leadCount][];
        var bytes = new byte[2 * samplesPerLead];
        int offset = 0;
        for (int lead = 0; lead < leadCount; lead++)
        {
            string where = $"parsedwaveforms, lead {lead + 1}, byte offset {offset}";
            if (offset + HeaderBytes > data.Length)
            {
                throw Error(where, $"the data holds {lead} lead chunks, not {leadCount}.");
            }

            int size = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
            int start = BinaryPrimitives.ReadInt16LittleEndian(data[(offset + 6)..]);
            offset += HeaderBytes;
            if (size < 0 || size > data.Length - offset)
            {
                throw Error(where, $"compressed size {size} runs past the {data.Length}-byte waveform data.");
            }

            int produced = Lzw(data.Slice(offset, size), bytes);
            if (produced < bytes.Length)
            {
                throw Error(where, $"{size} compressed bytes give {produced / 2} samples, fewer than the {samplesPerLead} the duration asks for.");
            }

            leads[lead] = Deltas(bytes, samplesPerLead, start, where);
            offset += size;
        }

        return leads;
    }

    /// <summary>LZW into <paramref name="output"/>; stops when it is full or the codes end. Returns the bytes written.</summary>
    private int Lzw(ReadOnlySpan<byte> input, Span<byte> output)
    {
        for (int c = 0; c < 256; c++)
        {
            _prefix[c] = -1;
            _suffix[c] = (byte)c;
            _length[c] = 1;
            _first[c] = (byte)c;
        }

        int next = 256;
        int previous = -1;
        int written = 0;
        long bitsAvailable = (long)input.Length * 8;
        for (long bit = 0; bit + CodeBits <= bitsAvailable && written < output.Length; bit += CodeBits)
        {
            int code = ReadCode(input, bit);
            if (code > MaxCode)
            {
                break; // not a dictionary code: the end of the data
            }

            int entry;
            if (code < next)
            {
                entry = code;
            }
            else if (code == next && previous >= 0)
            {
                entry = -1; // the string being defined: previous + its own first byte
            }
            else
            {
                throw Error($"XLI code at bit {bit}", $"code {code} is not yet defined (next is {next}).");
            }

            byte firstByte = entry >= 0 ? _first[entry] : _first[previous];
            if (previous >= 0 && next <= MaxCode)
            {
                _prefix[next] = previous;
                _suffix[next] = firstByte;
                _length[next] = _length[previous] + 1;
                _first[next] = _first[previous];
                next++;
            }

            if (entry < 0)
            {
                entry = next - 1;
            }

            written += Emit(entry, output[written..]);
            previous = entry;
        }

        return written;
    }

    /// <summary>Writes the string of <paramref name="code"/> (walking its prefixes back to front), cut to the space left.</summary>
    private int Emit(int code, Span<byte> output)
    {
        int length = _length[code];
        int position = length - 1;
        for (int c = code; c >= 0; c = _prefix[c], position--)
        {
            if (position < output.Length)
            {
                output[position] = _suffix[c];
            }
        }

        return Math.Min(length, output.Length);
    }

    private static int ReadCode(ReadOnlySpan<byte> input, long bit)
    {
        int index = (int)(bit >> 3);
        int value = (input[index] << 16) | ((index + 1 < input.Length ? input[index + 1] : 0) << 8) | (index + 2 < input.Length ? input[index + 2] : 0);
        int shift = 24 - CodeBits - (int)(bit & 7);
        return (value >> shift) & ((1 << CodeBits) - 1);
    }

    /// <summary>
    /// Sample i is byte i (high) and byte n + i (low); then x[0] and x[1] are taken as stored and
    /// x[i] = 2x[i−1] − x[i−2] − d, where d is the header's delta base for i = 2 and the previous stored value − 64 after.
    /// </summary>
    private static int[] Deltas(byte[] bytes, int n, int start, string where)
    {
        var values = new int[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = (short)((bytes[i] << 8) | bytes[n + i]);
        }

        if (n < 3)
        {
            return values;
        }

        long x = values[0];
        long y = values[1];
        long last = start;
        for (int i = 2; i < n; i++)
        {
            long z = (2 * y) - x - last;
            if (z is > int.MaxValue / 4 or < int.MinValue / 4)
            {
                throw Error(where, $"sample {i + 1}: the deltas sum to {z}, beyond any ADC range.");
            }

            last = values[i] - 64;
            values[i] = (int)z;
            x = y;
            y = z;
        }

        return values;
    }

    private static EcgFormatException Error(string location, string problem) => new(EcgFileFormat.PhilipsXml, location, problem);
}
