using System.Text;
using Telemed.Dicom.Data;
using Telemed.Dicom.Tags;

namespace Telemed.Dicom.Text;

/// <summary>
/// Chooses a configured fallback character set (in practice GB18030) for a data set whose (0008,0005) is absent or
/// says ISO_IR 100/ISO_IR 6 although its text is Chinese: county devices often write GB18030 or GBK bytes with no
/// Specific Character Set at all. The heuristic looks at every value of SH, LO, ST, LT, PN, UC and UT in the data set
/// and in the items that inherit its character set, and switches only when all of these hold:
/// <list type="number">
/// <item>at least one value has bytes 80H-FFH (pure ASCII needs no decision);</item>
/// <item>every value with such bytes decodes as valid text in the fallback set;</item>
/// <item>every non-ASCII character so decoded is a CJK ideograph, CJK symbol or punctuation, kana, or a full-width
/// form (what Chinese names, descriptions and reports consist of);</item>
/// <item>at least half of the high bytes stand next to another high byte. Latin-1 text has isolated accented letters
/// between ASCII ones ("Müller"), while GB 2312 characters are two high bytes.</item>
/// </list>
/// Known limit: a Latin-1 value whose accented letters all come in adjacent pairs that happen to form ideographs
/// (e.g. "ößen") is still read as GB18030; that is why the fallback is opt-in.
/// </summary>
internal static class CharacterSetFallback
{
    public static void Apply(DicomDataset dataset, string? fallbackName)
    {
        if (string.IsNullOrWhiteSpace(fallbackName))
        {
            return;
        }

        DicomCharacterSet declared = dataset.CharacterSet;
        if (!(declared.SpecificCharacterSet is "" or "ISO_IR 100" or "ISO_IR 6"))
        {
            return;
        }

        DicomCharacterSet fallback = DicomCharacterSet.FromSpecificCharacterSet(fallbackName);
        if (!fallback.IsSupported)
        {
            throw new DicomException($"fallback character set '{fallbackName}' is not supported");
        }

        int evidence = 0;
        if (Plausible(dataset, fallback, ref evidence) && evidence > 0)
        {
            dataset.ReplaceCharacterSet(fallback.AsFallbackFor(declared.SpecificCharacterSet));
        }
    }

    private static bool Plausible(DicomDataset dataset, DicomCharacterSet fallback, ref int evidence)
    {
        foreach (DicomElement element in dataset)
        {
            if (element is DicomSequence sequence)
            {
                foreach (DicomDataset item in sequence.Items)
                {
                    if (!item.Contains(DicomTag.SpecificCharacterSet) && !Plausible(item, fallback, ref evidence))
                    {
                        return false;
                    }
                }

                continue;
            }

            if (!element.VR.UsesSpecificCharacterSet || element.Tag == DicomTag.SpecificCharacterSet)
            {
                continue;
            }

            ReadOnlySpan<byte> bytes = element.Value.Span;
            if (!bytes.ContainsAnyInRange((byte)0x80, (byte)0xFF))
            {
                continue;
            }

            if (!LooksLikeChinese(bytes, fallback, element.VR))
            {
                return false;
            }

            evidence++;
        }

        return true;
    }

    internal static bool LooksLikeChinese(ReadOnlySpan<byte> bytes, DicomCharacterSet fallback, ValueRepresentations.DicomVR vr)
    {
        int high = 0;
        int paired = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] >= 0x80)
            {
                high++;
                if ((i > 0 && bytes[i - 1] >= 0x80) || (i + 1 < bytes.Length && bytes[i + 1] >= 0x80))
                {
                    paired++;
                }
            }
        }

        if (paired * 2 < high)
        {
            return false;
        }

        string text;
        try
        {
            text = fallback.Decode(bytes, vr);
        }
        catch (DicomException)
        {
            return false;
        }

        foreach (Rune rune in text.EnumerateRunes())
        {
            if (rune.Value >= 0x80 && !IsCjk(rune.Value))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsCjk(int c) =>
        c is (>= 0x3000 and <= 0x30FF) // CJK symbols and punctuation, hiragana, katakana
            or (>= 0x3400 and <= 0x4DBF) // CJK Unified Ideographs Extension A
            or (>= 0x4E00 and <= 0x9FFF) // CJK Unified Ideographs
            or (>= 0xF900 and <= 0xFAFF) // CJK Compatibility Ideographs
            or (>= 0xFF00 and <= 0xFFEF) // half-width and full-width forms
            or (>= 0x20000 and <= 0x3134F); // supplementary ideographs (GB18030 four-byte sequences)
}
