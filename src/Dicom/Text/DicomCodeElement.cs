using System.Text;

namespace Telemed.Dicom.Text;

/// <summary>
/// One graphic character set that ISO/IEC 2022 invokes into G0 (bytes 21H-7EH) or G1 (bytes A1H-FEH), as PS3.3
/// C.12.1.1.2 Tables C.12-2 to C.12-5 list them, with its designating escape sequence and the .NET code page that
/// converts it. The multi-byte sets are converted through the EUC form of the same repertoire (EUC-JP, GBK,
/// EUC-KR), which places G1 bytes as they are and G0 bytes with the high bit set.
/// </summary>
internal sealed class DicomCodeElement
{
    private readonly Kind kind;
    private readonly Encoding? encoding;

    private DicomCodeElement(string name, byte[] escape, bool isG1, int width, Kind kind, Encoding? encoding)
    {
        Name = name;
        Escape = escape;
        IsG1 = isG1;
        Width = width;
        this.kind = kind;
        this.encoding = encoding;
    }

    private enum Kind
    {
        Ascii,
        JisRoman,
        JisKatakana,
        SingleByte,
        JisX0208,
        JisX0212,
        DoubleByteG1,
    }

    public string Name { get; }

    /// <summary>The escape sequence that designates this set (ESC excluded from nothing: it starts with 1BH).</summary>
    public byte[] Escape { get; }

    /// <summary>True when the set is designated to G1 and its bytes have the high bit set.</summary>
    public bool IsG1 { get; }

    /// <summary>Bytes per character: 1 or 2.</summary>
    public int Width { get; }

    // PS3.3 Table C.12-2/C.12-3: ISO 646 (IRV) in G0, ESC ( B.
    public static DicomCodeElement Ascii { get; } = new("ISO-IR 6", [0x1B, 0x28, 0x42], false, 1, Kind.Ascii, null);

    // PS3.3 Table C.12-3: JIS X 0201 Romaji in G0 (ESC ( J) and Katakana in G1 (ESC ) I).
    public static DicomCodeElement JisRoman { get; } = new("ISO-IR 14", [0x1B, 0x28, 0x4A], false, 1, Kind.JisRoman, null);

    public static DicomCodeElement JisKatakana { get; } = new("ISO-IR 13", [0x1B, 0x29, 0x49], true, 1, Kind.JisKatakana, null);

    // PS3.3 Table C.12-4: JIS X 0208 (ESC $ B) and JIS X 0212 (ESC $ ( D) in G0, KS X 1001 (ESC $ ) C) and
    // GB 2312 (ESC $ ) A) in G1.
    public static DicomCodeElement JisX0208 { get; } = new("ISO-IR 87", [0x1B, 0x24, 0x42], false, 2, Kind.JisX0208, Strict(20932));

    public static DicomCodeElement JisX0212 { get; } = new("ISO-IR 159", [0x1B, 0x24, 0x28, 0x44], false, 2, Kind.JisX0212, Strict(20932));

    public static DicomCodeElement KsX1001 { get; } = new("ISO-IR 149", [0x1B, 0x24, 0x29, 0x43], true, 2, Kind.DoubleByteG1, Strict(949));

    public static DicomCodeElement Gb2312 { get; } = new("ISO-IR 58", [0x1B, 0x24, 0x29, 0x41], true, 2, Kind.DoubleByteG1, Strict(936));

    /// <summary>The upper half of an ISO 8859 (or TIS 620) single-byte set in G1, ESC - F (PS3.3 Table C.12-3).</summary>
    public static DicomCodeElement SingleByte(string name, byte finalByte, int codePage) =>
        new(name, [0x1B, 0x2D, finalByte], true, 1, Kind.SingleByte, Strict(codePage));

    /// <summary>A .NET encoding that throws on bytes or characters it cannot convert.</summary>
    public static Encoding Strict(int codePage)
    {
        DicomCharacterSet.EnsureCodePages();
        return Encoding.GetEncoding(codePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    /// <summary>Decodes a run of bytes that all belong to this set (pairs for the two-byte sets).</summary>
    public void Decode(ReadOnlySpan<byte> run, StringBuilder text)
    {
        switch (kind)
        {
            case Kind.Ascii:
            case Kind.JisRoman:
                // JIS X 0201 Romaji differs from ASCII only at 5CH (yen) and 7EH (overline); like DCMTK and pydicom we
                // keep the ASCII reading so that delimiters stay delimiters.
                foreach (byte b in run)
                {
                    text.Append((char)b);
                }

                break;
            case Kind.JisKatakana:
                foreach (byte b in run)
                {
                    // JIS X 0201 Katakana A1H-DFH are the half-width katakana U+FF61-U+FF9F.
                    text.Append(b is >= 0xA1 and <= 0xDF ? (char)(0xFF61 + b - 0xA1) : throw Invalid(b));
                }

                break;
            case Kind.JisX0208:
            case Kind.JisX0212:
                {
                    int prefix = kind == Kind.JisX0212 ? 1 : 0;
                    byte[] euc = new byte[run.Length / 2 * (2 + prefix)];
                    for (int i = 0, o = 0; i + 1 < run.Length; i += 2)
                    {
                        if (prefix == 1)
                        {
                            euc[o++] = 0x8F; // EUC-JP single shift 3 selects JIS X 0212
                        }

                        euc[o++] = (byte)(run[i] | 0x80);
                        euc[o++] = (byte)(run[i + 1] | 0x80);
                    }

                    text.Append(encoding!.GetString(euc));
                    break;
                }

            default:
                text.Append(encoding!.GetString(run));
                break;
        }
    }

    /// <summary>The bytes of one character in this set, or false when the set does not contain it.</summary>
    public bool TryEncode(string character, List<byte> output)
    {
        switch (kind)
        {
            case Kind.Ascii:
            case Kind.JisRoman:
                if (character.Length == 1 && character[0] < 0x80)
                {
                    output.Add((byte)character[0]);
                    return true;
                }

                return false;
            case Kind.JisKatakana:
                if (character.Length == 1 && character[0] is >= '\uFF61' and <= '\uFF9F')
                {
                    output.Add((byte)(character[0] - 0xFF61 + 0xA1));
                    return true;
                }

                return false;
        }

        byte[] bytes;
        try
        {
            bytes = encoding!.GetBytes(character);
        }
        catch (EncoderFallbackException)
        {
            return false;
        }

        switch (kind)
        {
            case Kind.SingleByte when bytes.Length == 1 && bytes[0] >= 0xA0:
                output.Add(bytes[0]);
                return true;
            case Kind.JisX0208 when bytes.Length == 2 && bytes[0] >= 0xA1 && bytes[1] >= 0xA1:
                output.Add((byte)(bytes[0] & 0x7F));
                output.Add((byte)(bytes[1] & 0x7F));
                return true;
            case Kind.JisX0212 when bytes.Length == 3 && bytes[0] == 0x8F:
                output.Add((byte)(bytes[1] & 0x7F));
                output.Add((byte)(bytes[2] & 0x7F));
                return true;
            case Kind.DoubleByteG1 when bytes.Length == 2 && bytes[0] is >= 0xA1 and <= 0xFE && bytes[1] is >= 0xA1 and <= 0xFE:
                // GBK and UHC extend GB 2312 and KS X 1001 beyond A1H-FEH; ISO 2022 G1 holds only the 94x94 core.
                output.AddRange(bytes);
                return true;
            default:
                return false;
        }
    }

    public override string ToString() => Name;

    private DecoderFallbackException Invalid(byte b) => new($"byte {b:X2}H is not in {Name}");
}
