using System.Text;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.Dicom.Text;

/// <summary>
/// Decodes and encodes text values under a Specific Character Set (0008,0005), PS3.5 §6.1 and PS3.3 C.12.1.1.2:
/// the single-byte sets (ISO_IR 100, 101, 109, 110, 144, 127, 126, 138, 148, 203, 166, 13), their ISO 2022 forms with
/// code extensions (PS3.5 §6.1.2.5) together with the multi-byte sets ISO 2022 IR 87, 159, 149 and 58, and the
/// sets that allow no code extensions: ISO_IR 192 (UTF-8), GB18030 and GBK (PS3.5 Annex J). A value with a term this
/// class does not know decodes only when it is pure ASCII, so nothing is ever silently mis-decoded.
/// </summary>
public sealed class DicomCharacterSet
{
    private const byte Escape = 0x1B;

    private static readonly bool CodePagesRegistered = RegisterCodePages();

    /// <summary>One instance per single-byte set, so that designations compare by reference.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, DicomCodeElement> SingleByteSets = new();

    private readonly Encoding? wholeValueEncoding;
    private readonly DicomCodeElement initialG0;
    private readonly DicomCodeElement? initialG1;

    /// <summary>Every set the value of (0008,0005) names, in its order: the encoder tries them in this order.</summary>
    private readonly DicomCodeElement[] codeElements;

    private DicomCharacterSet(
        string specificCharacterSet, bool isSupported, bool usesCodeExtensions, Encoding? wholeValueEncoding,
        DicomCodeElement initialG0, DicomCodeElement? initialG1, DicomCodeElement[] codeElements)
    {
        SpecificCharacterSet = specificCharacterSet;
        IsSupported = isSupported;
        UsesCodeExtensions = usesCodeExtensions;
        this.wholeValueEncoding = wholeValueEncoding;
        this.initialG0 = initialG0;
        this.initialG1 = initialG1;
        this.codeElements = codeElements;
    }

    /// <summary>
    /// The default repertoire (no Specific Character Set): ISO-IR 6, i.e. ASCII (PS3.5 §6.1.2.1). Bytes above 7FH,
    /// which the default does not allow, are read leniently as Latin-1, the most common mistake.
    /// </summary>
    public static DicomCharacterSet Default { get; } = new(
        "", true, false, null, DicomCodeElement.Ascii, DicomCodeElement.SingleByte("ISO-IR 100", 0x41, 28591), [DicomCodeElement.Ascii]);

    /// <summary>The value of (0008,0005) this decoder was made for ("" for the default).</summary>
    public string SpecificCharacterSet { get; }

    /// <summary>False when a term of (0008,0005) is unknown: only ASCII values can then be decoded.</summary>
    public bool IsSupported { get; }

    /// <summary>The value names ISO 2022 terms: escape sequences switch sets within a value (PS3.5 §6.1.2.5).</summary>
    public bool UsesCodeExtensions { get; }

    /// <summary>
    /// True when this set was not declared but chosen by <see cref="Files.DicomReadOptions.FallbackCharacterSet"/>
    /// because the bytes were not plausible under the declared one; <see cref="DeclaredSpecificCharacterSet"/> says what
    /// the file declared.
    /// </summary>
    public bool IsFallback { get; private init; }

    /// <summary>What (0008,0005) said when <see cref="IsFallback"/> ("" when it was absent); otherwise the same as <see cref="SpecificCharacterSet"/>.</summary>
    public string DeclaredSpecificCharacterSet { get; private init; } = "";

    /// <summary>
    /// Resolves a (0008,0005) value (backslash-separated defined terms, PS3.3 C.12.1.1.2). "ISO-IR nnn" with a hyphen,
    /// a common writer mistake, is read as "ISO_IR nnn".
    /// </summary>
    public static DicomCharacterSet FromSpecificCharacterSet(string? value)
    {
        string normalized = (value ?? "").Trim(' ', '\0');
        if (normalized.Length == 0 || normalized is "ISO_IR 6" or "ISO 2022 IR 6")
        {
            return Default;
        }

        string[] terms = normalized.Split('\\');
        for (int i = 0; i < terms.Length; i++)
        {
            terms[i] = terms[i].Trim(' ');
            if (terms[i].StartsWith("ISO-IR ", StringComparison.Ordinal))
            {
                terms[i] = "ISO_IR " + terms[i][7..];
            }
        }

        // PS3.5 §6.1.2.5.3 / Annex J: UTF-8, GB18030 and GBK allow no code extensions; a single such value is the whole story.
        Encoding? whole = terms[0] switch
        {
            "ISO_IR 192" => DicomCodeElement.Strict(65001),
            "GB18030" => DicomCodeElement.Strict(54936),
            "GBK" => DicomCodeElement.Strict(936),
            _ => null,
        };
        if (whole is not null)
        {
            return new DicomCharacterSet(normalized, true, false, whole, DicomCodeElement.Ascii, null, [DicomCodeElement.Ascii]);
        }

        bool extensions = terms.Length > 1 || terms[0].StartsWith("ISO 2022 ", StringComparison.Ordinal);
        var elements = new List<DicomCodeElement>();
        bool supported = true;
        DicomCodeElement g0 = DicomCodeElement.Ascii;
        DicomCodeElement? g1 = null;
        for (int i = 0; i < terms.Length; i++)
        {
            if (!TryResolveTerm(terms[i], out DicomCodeElement? termG0, out DicomCodeElement? termG1))
            {
                supported = false;
                continue;
            }

            if (i == 0)
            {
                // PS3.3 C.12.1.1.2: value 1 sets what is active at the start of a value and after every delimiter; the
                // default G0 (ASCII) stays when value 1 is empty or names only a G1 set.
                g0 = termG0 is { Width: 1 } ? termG0 : DicomCodeElement.Ascii;
                g1 = termG1 is { Width: 1 } ? termG1 : null;
            }

            foreach (DicomCodeElement? e in new[] { termG0 ?? DicomCodeElement.Ascii, termG1 })
            {
                if (e is not null && !elements.Contains(e))
                {
                    elements.Add(e);
                }
            }
        }

        return new DicomCharacterSet(normalized, supported, extensions, null, g0, g1, [.. elements]);
    }

    /// <summary>
    /// Decodes a value. The VR decides which characters are delimiters after which ISO 2022 designations return to
    /// those of value 1 (PS3.5 §6.1.2.5.3): CR, LF, FF and TAB always, "\" in multi-valued VRs, "^" and "=" in PN.
    /// Throws a <see cref="DicomException"/> for bytes that are not valid in the character set.
    /// </summary>
    public string Decode(ReadOnlySpan<byte> value, DicomVR? vr = null)
    {
        if (!IsSupported)
        {
            foreach (byte b in value)
            {
                if (b >= 0x80 || b == Escape)
                {
                    throw new DicomException($"Specific Character Set '{SpecificCharacterSet}' is not supported yet; the value contains non-ASCII bytes.");
                }
            }

            return Encoding.ASCII.GetString(value);
        }

        try
        {
            return wholeValueEncoding is not null ? wholeValueEncoding.GetString(value) : DecodeIso2022(value, vr);
        }
        catch (DecoderFallbackException ex)
        {
            throw new DicomException($"value is not valid text in Specific Character Set '{this}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Encodes a value for writing, without padding. Under ISO 2022 each character goes into the first set of
    /// (0008,0005) that has it, designated by its escape sequence; before a delimiter and at the end of the value
    /// G0 returns to that of value 1, and after a delimiter sets are designated again (PS3.5 §6.1.2.5.3), so a value
    /// decoded from a conforming writer encodes back to the same bytes.
    /// </summary>
    public byte[] Encode(string value, DicomVR? vr = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsSupported)
        {
            return value.All(char.IsAscii)
                ? Encoding.ASCII.GetBytes(value)
                : throw new DicomException($"Specific Character Set '{SpecificCharacterSet}' is not supported yet; cannot encode non-ASCII text.");
        }

        if (wholeValueEncoding is not null)
        {
            try
            {
                return wholeValueEncoding.GetBytes(value);
            }
            catch (EncoderFallbackException ex)
            {
                throw new DicomException($"'{value}' cannot be encoded in Specific Character Set '{this}'", ex);
            }
        }

        var output = new List<byte>(value.Length * 2);
        DicomCodeElement g0 = initialG0;
        DicomCodeElement? g1 = initialG1;
        foreach (Rune rune in value.EnumerateRunes())
        {
            string character = rune.ToString();
            if (rune.Value < 0x80 && IsDelimiter((byte)rune.Value, vr))
            {
                if (g0 != initialG0)
                {
                    output.AddRange(initialG0.Escape);
                }

                output.Add((byte)rune.Value);
                g0 = initialG0;
                g1 = initialG1;
                continue;
            }

            if (g0.TryEncode(character, output) || (g1 is not null && g1.TryEncode(character, output)))
            {
                continue;
            }

            DicomCodeElement? found = null;
            if (UsesCodeExtensions)
            {
                var bytes = new List<byte>(4);
                foreach (DicomCodeElement candidate in codeElements)
                {
                    if (candidate.TryEncode(character, bytes))
                    {
                        found = candidate;
                        output.AddRange(candidate.Escape);
                        output.AddRange(bytes);
                        break;
                    }
                }
            }

            if (found is null)
            {
                throw new DicomException($"'{character}' (U+{rune.Value:X4}) cannot be encoded in Specific Character Set '{this}'");
            }

            if (found.IsG1)
            {
                g1 = found;
            }
            else
            {
                g0 = found;
            }
        }

        if (g0 != initialG0)
        {
            output.AddRange(initialG0.Escape);
        }

        return [.. output];
    }

    /// <summary>This set standing in for a declared one whose bytes did not fit (see <see cref="IsFallback"/>).</summary>
    internal DicomCharacterSet AsFallbackFor(string declared) =>
        new(SpecificCharacterSet, IsSupported, UsesCodeExtensions, wholeValueEncoding, initialG0, initialG1, codeElements)
        {
            IsFallback = true,
            DeclaredSpecificCharacterSet = declared,
        };

    internal static void EnsureCodePages()
    {
        if (!CodePagesRegistered)
        {
            throw new InvalidOperationException("code page encodings are not registered");
        }
    }

    public override string ToString() => (SpecificCharacterSet.Length == 0 ? "ISO_IR 6 (default)" : SpecificCharacterSet)
        + (IsFallback ? $" (fallback; declared '{DeclaredSpecificCharacterSet}')" : "");

    private static bool RegisterCodePages()
    {
        // The ISO 8859, EUC and GB code pages live in the shared framework's CodePagesEncodingProvider; invariant
        // globalization does not affect them.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return true;
    }

    /// <summary>PS3.3 Tables C.12-2 to C.12-4: the sets one defined term designates (G0 and/or G1).</summary>
    private static bool TryResolveTerm(string term, out DicomCodeElement? g0, out DicomCodeElement? g1)
    {
        g0 = null;
        g1 = null;
        string key = term.StartsWith("ISO 2022 IR ", StringComparison.Ordinal) ? term[12..]
            : term.StartsWith("ISO_IR ", StringComparison.Ordinal) ? term[7..]
            : term;
        (byte Final, int CodePage)? single = key switch
        {
            "100" => (0x41, 28591),
            "101" => (0x42, 28592),
            "109" => (0x43, 28593),
            "110" => (0x44, 28594),
            "144" => (0x4C, 28595),
            "127" => (0x47, 28596),
            "126" => (0x46, 28597),
            "138" => (0x48, 28598),
            "148" => (0x4D, 28599),
            "203" => (0x62, 28605),
            // TIS 620-2533; Windows-874 is its superset and agrees on A0H-FFH.
            "166" => (0x54, 874),
            _ => null,
        };
        if (single is { } s)
        {
            g0 = DicomCodeElement.Ascii;
            g1 = SingleByteSets.GetOrAdd(key, _ => DicomCodeElement.SingleByte("ISO-IR " + key, s.Final, s.CodePage));
            return true;
        }

        bool iso2022 = term.StartsWith("ISO 2022 ", StringComparison.Ordinal);
        switch (key)
        {
            case "" or "6":
                g0 = DicomCodeElement.Ascii;
                return true;
            case "13":
                g0 = DicomCodeElement.JisRoman;
                g1 = DicomCodeElement.JisKatakana;
                return true;
            case "87" when iso2022:
                g0 = DicomCodeElement.JisX0208;
                return true;
            case "159" when iso2022:
                g0 = DicomCodeElement.JisX0212;
                return true;
            case "149" when iso2022:
                g1 = DicomCodeElement.KsX1001;
                return true;
            case "58" when iso2022:
                g1 = DicomCodeElement.Gb2312;
                return true;
            default:
                return false;
        }
    }

    private static bool IsDelimiter(byte b, DicomVR? vr) => b switch
    {
        0x0D or 0x0A or 0x0C or 0x09 => true,
        (byte)'\\' => vr is not null && vr.IsMultiValuedText,
        (byte)'^' or (byte)'=' => vr == DicomVR.PN,
        _ => false,
    };

    private string DecodeIso2022(ReadOnlySpan<byte> value, DicomVR? vr)
    {
        var text = new StringBuilder(value.Length);
        var run = new List<byte>();
        DicomCodeElement? runSet = null;
        DicomCodeElement g0 = initialG0;
        DicomCodeElement? g1 = initialG1;

        void Flush()
        {
            if (runSet is not null && run.Count > 0)
            {
                runSet.Decode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(run), text);
            }

            run.Clear();
            runSet = null;
        }

        void Add(DicomCodeElement set, ReadOnlySpan<byte> bytes)
        {
            if (set != runSet)
            {
                Flush();
                runSet = set;
            }

            foreach (byte b in bytes)
            {
                run.Add(b);
            }
        }

        int i = 0;
        while (i < value.Length)
        {
            byte b = value[i];
            if (b == Escape && UsesCodeExtensions)
            {
                Flush();
                DicomCodeElement designated = FindDesignation(value[i..])
                    ?? throw new DecoderFallbackException($"unknown or undeclared escape sequence at byte {i}");
                if (designated.IsG1)
                {
                    g1 = designated;
                }
                else
                {
                    g0 = designated;
                }

                i += designated.Escape.Length;
                continue;
            }

            if (b >= 0x80)
            {
                DicomCodeElement set = g1 ?? throw new DecoderFallbackException($"byte {b:X2}H at {i} with no G1 set designated");
                if (i + set.Width > value.Length)
                {
                    throw new DecoderFallbackException($"value ends inside a {set.Width}-byte {set.Name} character");
                }

                Add(set, value.Slice(i, set.Width));
                i += set.Width;
                continue;
            }

            if (g0.Width == 2 && b > 0x20 && b < 0x7F)
            {
                if (i + 1 >= value.Length)
                {
                    throw new DecoderFallbackException($"value ends inside a 2-byte {g0.Name} character");
                }

                Add(g0, value.Slice(i, 2));
                i += 2;
                continue;
            }

            if (UsesCodeExtensions && IsDelimiter(b, vr))
            {
                g0 = initialG0;
                g1 = initialG1;
            }

            // Controls and space are the same in every G0 set; a two-byte G0 has none of its own.
            Add(g0.Width == 1 ? g0 : DicomCodeElement.Ascii, value.Slice(i, 1));
            i++;
        }

        Flush();
        return text.ToString();
    }

    private DicomCodeElement? FindDesignation(ReadOnlySpan<byte> at)
    {
        // ESC ( B always returns to ASCII, even when value 1 of (0008,0005) did not name ISO 2022 IR 6.
        if (at.StartsWith(DicomCodeElement.Ascii.Escape))
        {
            return DicomCodeElement.Ascii;
        }

        foreach (DicomCodeElement e in codeElements)
        {
            if (at.StartsWith(e.Escape))
            {
                return e;
            }
        }

        return null;
    }
}
