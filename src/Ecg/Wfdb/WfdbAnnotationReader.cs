using System.Buffers.Binary;
using System.Text;

namespace Telemed.Ecg.Wfdb;

/// <summary>
/// Reads MIT-format annotation files (PhysioNet annot(5)): 16-bit little-endian words, 6-bit code and
/// 10-bit time increment, with the pseudo-codes SKIP (59), NUM (60), SUB (61), CHN (62) and AUX (63)
/// (see <see cref="MitAnnotationFormat"/>). Fields decode as WFDB getann stores them: subtype and number
/// as signed char, channel as unsigned char, AUX length as <c>word &amp; 0377</c>.
/// </summary>
public static class WfdbAnnotationReader
{
    /// <summary>
    /// Reads the annotation file at <paramref name="path"/>; files over 256 MiB are refused with a
    /// <see cref="WfdbFormatException"/>, and an empty (or non-regular) file has no annotations.
    /// </summary>
    public static IReadOnlyList<Annotation> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        long length = WfdbFiles.Length(path, WfdbFiles.MaxAnnotationBytes, "annotation file");
        byte[] data = WfdbFiles.ReadRange(path, 0, (int)length);
        return Parse(data, path);
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
            if (data.Length - pos < 2)
            {
                // Some writers omit the final 0 word; a stray odd byte is padding, and so is the pad byte
                // after an odd-length AUX string that ends the file (pos may then be one past the end).
                break;
            }

            int word = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(pos, 2));
            int code = word >> MitAnnotationFormat.CodeShift;
            int value = word & MitAnnotationFormat.ValueMask;
            long wordOffset = pos;
            pos += 2;

            if (code == 0 && value == 0)
            {
                break; // End of file.
            }

            switch (code)
            {
                case MitAnnotationFormat.Skip:
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
                case MitAnnotationFormat.Num:
                    RequirePending(wordOffset, "NUM");
                    num = unchecked((sbyte)value); // getann assigns the word's data bits to a signed char.
                    current = current with { Number = num };
                    break;
                case MitAnnotationFormat.Sub:
                    RequirePending(wordOffset, "SUB");
                    current = current with { SubType = unchecked((sbyte)value) }; // signed char, as NUM.
                    break;
                case MitAnnotationFormat.Chn:
                    RequirePending(wordOffset, "CHN");
                    chan = value & 0xFF; // getann: unsigned char.
                    current = current with { Channel = chan };
                    break;
                case MitAnnotationFormat.Aux:
                    RequirePending(wordOffset, "AUX");
                    int length = value & 0xFF; // getann: the length is word & 0377.
                    if (length > data.Length - pos)
                    {
                        throw WfdbFormatException.AtOffset(source, wordOffset, $"AUX string of {length} bytes runs past the end of the file ({data.Length} bytes).");
                    }

                    string aux = Encoding.Latin1.GetString(data.Slice(pos, length)).TrimEnd('\0');
                    current = current with { Aux = aux };
                    pos += (length + 1) & ~1;
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
