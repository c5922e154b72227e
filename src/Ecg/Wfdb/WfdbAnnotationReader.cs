using System.Buffers.Binary;
using System.Text;

namespace Telemed.Ecg.Wfdb;

/// <summary>
/// Reads MIT-format annotation files (PhysioNet annot(5)): 16-bit little-endian words, 6-bit code and
/// 10-bit time increment, with the pseudo-codes SKIP (59), NUM (60), SUB (61), CHN (62) and AUX (63).
/// </summary>
public static class WfdbAnnotationReader
{
    internal const int Skip = 59, Num = 60, Sub = 61, Chn = 62, Aux = 63;

    public static IReadOnlyList<Annotation> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllBytes(path), path);
    }

    public static IReadOnlyList<Annotation> Parse(ReadOnlySpan<byte> data, string source)
    {
        var result = new List<Annotation>();
        long time = 0;
        int num = 0, chan = 0;
        int pos = 0;
        bool pending = false;
        Annotation current = default;

        while (true)
        {
            if (pos + 2 > data.Length)
            {
                if (pos == data.Length || pos + 1 == data.Length)
                {
                    break; // Some writers omit the final 0 word; a stray odd byte is padding.
                }
            }

            int word = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(pos, 2));
            int code = word >> 10;
            int value = word & 0x3FF;
            long wordOffset = pos;
            pos += 2;

            if (code == 0 && value == 0)
            {
                break; // End of file.
            }

            switch (code)
            {
                case Skip:
                    if (pos + 4 > data.Length)
                    {
                        throw WfdbFormatException.AtOffset(source, wordOffset, "SKIP annotation is cut off before its 32-bit interval.");
                    }

                    // PDP-11 long: high 16-bit word first, each word little-endian.
                    int hi = BinaryPrimitives.ReadInt16LittleEndian(data.Slice(pos, 2));
                    int lo = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(pos + 2, 2));
                    time += ((long)hi << 16) | (uint)lo;
                    pos += 4;
                    break;
                case Num:
                    RequirePending(wordOffset, "NUM");
                    num = (short)(value << 6) >> 6; // NUM is a signed 10-bit field.
                    current = current with { Number = num };
                    break;
                case Sub:
                    RequirePending(wordOffset, "SUB");
                    current = current with { SubType = (sbyte)(value & 0xFF) };
                    break;
                case Chn:
                    RequirePending(wordOffset, "CHN");
                    chan = value;
                    current = current with { Channel = chan };
                    break;
                case Aux:
                    RequirePending(wordOffset, "AUX");
                    if (pos + value > data.Length)
                    {
                        throw WfdbFormatException.AtOffset(source, wordOffset, $"AUX string of {value} bytes runs past the end of the file ({data.Length} bytes).");
                    }

                    string aux = Encoding.Latin1.GetString(data.Slice(pos, value)).TrimEnd('\0');
                    current = current with { Aux = aux };
                    pos += (value + 1) & ~1;
                    break;
                default:
                    if (code > AnnotationCode.MaxCode)
                    {
                        throw WfdbFormatException.AtOffset(source, wordOffset, $"annotation code {code} is undefined.");
                    }

                    Flush();
                    time += value;
                    current = new Annotation(time, code, 0, chan, num);
                    pending = true;
                    break;
            }
        }

        Flush();
        return result;

        void Flush()
        {
            if (pending)
            {
                result.Add(current);
                pending = false;
            }
        }

        void RequirePending(long offset, string what)
        {
            if (!pending)
            {
                throw WfdbFormatException.AtOffset(source, offset, $"{what} modifier appears before any annotation.");
            }
        }
    }
}
