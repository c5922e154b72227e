using System.Globalization;

namespace Telemed.Dicom.Tags;

/// <summary>A data element tag (group, element): PS3.5 §7.1. Ordered as DICOM orders elements in a data set.</summary>
public readonly struct DicomTag : IEquatable<DicomTag>, IComparable<DicomTag>
{
    public DicomTag(ushort group, ushort element)
    {
        Value = ((uint)group << 16) | element;
    }

    public DicomTag(uint value)
    {
        Value = value;
    }

    /// <summary>Group in the high 16 bits, element in the low 16 bits: the ascending order of PS3.5 §7.1.</summary>
    public uint Value { get; }

    public ushort Group => (ushort)(Value >> 16);

    public ushort Element => (ushort)Value;

    /// <summary>
    /// PS3.5 §7.8.1: private data elements have an odd group number, except groups 0001, 0003, 0005, 0007 and
    /// FFFF, which may not be used.
    /// </summary>
    public bool IsPrivate => (Group & 1) == 1 && Group > 0x0007 && Group != 0xFFFF;

    /// <summary>PS3.5 §7.8.1: (gggg,0010)-(gggg,00FF) in a private group reserve a block for a private creator.</summary>
    public bool IsPrivateCreator => IsPrivate && Element is >= 0x0010 and <= 0x00FF;

    /// <summary>PS3.5 §7.2: element 0000 of a group is its (mostly retired) group length.</summary>
    public bool IsGroupLength => Element == 0x0000;

    /// <summary>Item, Item Delimitation Item or Sequence Delimitation Item (PS3.5 §7.5): no VR, ever.</summary>
    public bool IsDelimiter => Group == 0xFFFE;

    public static DicomTag Item { get; } = new(0xFFFE, 0xE000);

    public static DicomTag ItemDelimitationItem { get; } = new(0xFFFE, 0xE00D);

    public static DicomTag SequenceDelimitationItem { get; } = new(0xFFFE, 0xE0DD);

    public static DicomTag FileMetaInformationGroupLength { get; } = new(0x0002, 0x0000);

    public static DicomTag TransferSyntaxUid { get; } = new(0x0002, 0x0010);

    public static DicomTag SpecificCharacterSet { get; } = new(0x0008, 0x0005);

    public static DicomTag PixelData { get; } = new(0x7FE0, 0x0010);

    /// <summary>Parses "(0010,0010)", "0010,0010" or "00100010" (hexadecimal, either case).</summary>
    public static DicomTag Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out DicomTag tag) ? tag : throw new FormatException($"'{text}' is not a DICOM tag such as (0010,0010).");
    }

    public static bool TryParse(string? text, out DicomTag tag)
    {
        tag = default;
        if (text is null)
        {
            return false;
        }

        ReadOnlySpan<char> s = text.AsSpan().Trim();
        if (s.Length >= 2 && s[0] == '(' && s[^1] == ')')
        {
            s = s[1..^1];
        }

        ReadOnlySpan<char> group;
        ReadOnlySpan<char> element;
        if (s.Length == 9 && s[4] == ',')
        {
            group = s[..4];
            element = s[5..];
        }
        else if (s.Length == 8)
        {
            group = s[..4];
            element = s[4..];
        }
        else
        {
            return false;
        }

        if (!ushort.TryParse(group, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort g)
            || !ushort.TryParse(element, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort e))
        {
            return false;
        }

        tag = new DicomTag(g, e);
        return true;
    }

    public bool Equals(DicomTag other) => Value == other.Value;

    public override bool Equals(object? obj) => obj is DicomTag other && Equals(other);

    public override int GetHashCode() => (int)Value;

    public int CompareTo(DicomTag other) => Value.CompareTo(other.Value);

    /// <summary>The PS3.6 notation, e.g. (0010,0010).</summary>
    public override string ToString() => $"({Group:X4},{Element:X4})";

    public static bool operator ==(DicomTag left, DicomTag right) => left.Equals(right);

    public static bool operator !=(DicomTag left, DicomTag right) => !left.Equals(right);

    public static bool operator <(DicomTag left, DicomTag right) => left.Value < right.Value;

    public static bool operator >(DicomTag left, DicomTag right) => left.Value > right.Value;

    public static bool operator <=(DicomTag left, DicomTag right) => left.Value <= right.Value;

    public static bool operator >=(DicomTag left, DicomTag right) => left.Value >= right.Value;
}
