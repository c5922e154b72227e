using System.Text;

namespace Telemed.Dicom.Text;

/// <summary>
/// Decodes text values under a Specific Character Set (0008,0005), PS3.5 §6.1. This slice supports the default
/// repertoire (ISO_IR 6) and Latin-1 (ISO_IR 100); any other character set decodes values that are pure ASCII and
/// refuses the rest with a <see cref="DicomException"/>, so nothing is ever silently mis-decoded. Later slices add
/// the other single-byte sets, ISO 2022 code extensions (PS3.5 §6.1.2.5), GB18030 and UTF-8 here, and nowhere else.
/// </summary>
public sealed class DicomCharacterSet
{
    private static readonly Encoding Latin1 = Encoding.Latin1;

    private DicomCharacterSet(string specificCharacterSet, bool isSupported)
    {
        SpecificCharacterSet = specificCharacterSet;
        IsSupported = isSupported;
    }

    /// <summary>The default repertoire (no Specific Character Set): ISO-IR 6, i.e. ASCII (PS3.5 §6.1.2.1).</summary>
    public static DicomCharacterSet Default { get; } = new("", true);

    /// <summary>The value of (0008,0005) this decoder was made for ("" for the default).</summary>
    public string SpecificCharacterSet { get; }

    /// <summary>False when values with non-ASCII bytes cannot be decoded yet.</summary>
    public bool IsSupported { get; }

    /// <summary>Resolves the decoder for a (0008,0005) value (backslash-separated terms, PS3.3 C.12.1.1.2).</summary>
    public static DicomCharacterSet FromSpecificCharacterSet(string? value)
    {
        string normalized = (value ?? "").Trim(' ', '\0');
        if (normalized.Length == 0)
        {
            return Default;
        }

        // ISO 2022 IR 6 / ISO 2022 IR 100 with no further terms need no escape handling for these repertoires.
        bool supported = true;
        foreach (string term in normalized.Split('\\'))
        {
            supported &= term.Trim() is "" or "ISO_IR 6" or "ISO_IR 100" or "ISO 2022 IR 6" or "ISO 2022 IR 100";
        }

        return new DicomCharacterSet(normalized, supported);
    }

    /// <summary>Decodes a value; throws for non-ASCII bytes under a character set this slice does not support.</summary>
    public string Decode(ReadOnlySpan<byte> value)
    {
        if (!IsSupported)
        {
            foreach (byte b in value)
            {
                if (b >= 0x80 || b == 0x1B)
                {
                    throw new DicomException($"Specific Character Set '{SpecificCharacterSet}' is not supported yet; the value contains non-ASCII bytes.");
                }
            }
        }

        // ISO_IR 6 is the ASCII subset of ISO-8859-1, so Latin-1 decodes both exactly.
        return Latin1.GetString(value);
    }

    public override string ToString() => SpecificCharacterSet.Length == 0 ? "ISO_IR 6 (default)" : SpecificCharacterSet;
}
