using System.Buffers.Binary;
using System.Globalization;
using Telemed.Dicom.Tags;
using Telemed.Dicom.Text;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.Dicom.Data;

/// <summary>
/// A data element (PS3.5 §7.1): tag, VR and the encoded value. The value is a slice of the parsed buffer, never a
/// copy, and is decoded only when a typed getter asks for it.
/// </summary>
public class DicomElement
{
    internal DicomElement(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> value, long offset, bool isBigEndian)
    {
        Tag = tag;
        VR = vr;
        Value = value;
        Offset = offset;
        IsBigEndian = isBigEndian;
    }

    public DicomTag Tag { get; }

    /// <summary>The VR read from the stream (explicit VR) or from the dictionary (implicit VR; UN if unknown).</summary>
    public DicomVR VR { get; }

    /// <summary>The encoded value bytes, including any padding byte (PS3.5 §7.1.1: even length).</summary>
    public ReadOnlyMemory<byte> Value { get; }

    public int Length => Value.Length;

    /// <summary>Offset of the element header in the parsed buffer (for diagnostics).</summary>
    public long Offset { get; }

    /// <summary>Numbers in the value are big endian (Explicit VR Big Endian, PS3.5 §A.3).</summary>
    public bool IsBigEndian { get; }

    /// <summary>
    /// Number of values: backslash-separated values for multi-valued text VRs (PS3.5 §6.4), 1 for single-valued
    /// text, Length / size for binary numbers; 0 for an empty value.
    /// </summary>
    public virtual int ValueCount
    {
        get
        {
            if (Value.IsEmpty)
            {
                return 0;
            }

            if (VR.IsText)
            {
                return VR.IsMultiValuedText ? Value.Span.Count((byte)'\\') + 1 : 1;
            }

            return VR.ValueSize == 0 ? 1 : Value.Length / VR.ValueSize;
        }
    }

    /// <summary>
    /// The whole text value without trailing padding (spaces and NULs, PS3.5 §6.2), backslashes included.
    /// </summary>
    public string GetString(DicomCharacterSet? characterSet = null)
    {
        RequireText();
        ReadOnlySpan<byte> bytes = Value.Span.TrimEnd((byte)0).TrimEnd((byte)' ');
        try
        {
            // PS3.5 Table 6.2-1: only SH, LO, ST, LT, PN, UC and UT may use characters beyond the default repertoire.
            DicomCharacterSet set = VR.UsesSpecificCharacterSet ? characterSet ?? DicomCharacterSet.Default : DicomCharacterSet.Default;
            return set.Decode(bytes, VR);
        }
        catch (DicomException ex)
        {
            throw DicomException.At(Offset, Tag, ex.Message);
        }
    }

    /// <summary>The values of a multi-valued text element, each without surrounding padding spaces.</summary>
    public IReadOnlyList<string> GetStrings(DicomCharacterSet? characterSet = null)
    {
        string all = GetString(characterSet);
        if (all.Length == 0)
        {
            return [];
        }

        if (!VR.IsMultiValuedText)
        {
            return [all];
        }

        string[] values = all.Split('\\');
        for (int i = 0; i < values.Length; i++)
        {
            // PS3.5 Table 6.2-1: leading and trailing spaces are insignificant in AE, CS, DA, DS, IS, LO, PN, SH, TM, UI.
            values[i] = VR == DicomVR.UI ? values[i].TrimEnd('\0') : values[i].Trim(' ');
        }

        return values;
    }

    /// <summary>A UI value without its NUL padding (PS3.5 §9.1).</summary>
    public string GetUid()
    {
        Require(DicomVR.UI);
        return GetString().TrimEnd('\0');
    }

    public ushort GetUInt16(int index = 0)
    {
        Require(DicomVR.US);
        ReadOnlySpan<byte> v = ValueAt(index, 2);
        return IsBigEndian ? BinaryPrimitives.ReadUInt16BigEndian(v) : BinaryPrimitives.ReadUInt16LittleEndian(v);
    }

    public short GetInt16(int index = 0)
    {
        Require(DicomVR.SS);
        ReadOnlySpan<byte> v = ValueAt(index, 2);
        return IsBigEndian ? BinaryPrimitives.ReadInt16BigEndian(v) : BinaryPrimitives.ReadInt16LittleEndian(v);
    }

    /// <summary>UL, or US widened.</summary>
    public uint GetUInt32(int index = 0)
    {
        if (VR == DicomVR.US)
        {
            return GetUInt16(index);
        }

        Require(DicomVR.UL);
        ReadOnlySpan<byte> v = ValueAt(index, 4);
        return IsBigEndian ? BinaryPrimitives.ReadUInt32BigEndian(v) : BinaryPrimitives.ReadUInt32LittleEndian(v);
    }

    /// <summary>SL, SS, US or IS (integer string, PS3.5 Table 6.2-1) as a 32-bit integer.</summary>
    public int GetInt32(int index = 0)
    {
        if (VR == DicomVR.SS)
        {
            return GetInt16(index);
        }

        if (VR == DicomVR.US)
        {
            return GetUInt16(index);
        }

        if (VR == DicomVR.IS)
        {
            string text = TextValueAt(index);
            // IS: optional sign and digits, range -2^31..2^31-1.
            return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int parsed)
                ? parsed
                : throw DicomException.At(Offset, Tag, $"IS value '{text}' is not an integer string");
        }

        Require(DicomVR.SL);
        ReadOnlySpan<byte> v = ValueAt(index, 4);
        return IsBigEndian ? BinaryPrimitives.ReadInt32BigEndian(v) : BinaryPrimitives.ReadInt32LittleEndian(v);
    }

    /// <summary>DS (decimal string, PS3.5 Table 6.2-1), FL or FD as a double.</summary>
    public double GetDouble(int index = 0)
    {
        if (VR == DicomVR.DS)
        {
            string text = TextValueAt(index);
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed)
                ? parsed
                : throw DicomException.At(Offset, Tag, $"DS value '{text}' is not a decimal string");
        }

        if (VR == DicomVR.FL)
        {
            ReadOnlySpan<byte> f = ValueAt(index, 4);
            return IsBigEndian ? BinaryPrimitives.ReadSingleBigEndian(f) : BinaryPrimitives.ReadSingleLittleEndian(f);
        }

        Require(DicomVR.FD);
        ReadOnlySpan<byte> d = ValueAt(index, 8);
        return IsBigEndian ? BinaryPrimitives.ReadDoubleBigEndian(d) : BinaryPrimitives.ReadDoubleLittleEndian(d);
    }

    /// <summary>
    /// A DA value: YYYYMMDD (PS3.5 Table 6.2-1), or the ACR-NEMA form YYYY.MM.DD that PS3.5 asks readers to accept.
    /// </summary>
    public DateOnly GetDate(int index = 0)
    {
        Require(DicomVR.DA);
        string text = TextValueAt(index);
        string[] formats = ["yyyyMMdd", "yyyy.MM.dd"];
        return DateOnly.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date)
            ? date
            : throw DicomException.At(Offset, Tag, $"DA value '{text}' is not a date YYYYMMDD");
    }

    public DicomPersonName GetPersonName(DicomCharacterSet? characterSet = null, int index = 0)
    {
        Require(DicomVR.PN);
        IReadOnlyList<string> values = GetStrings(characterSet);
        return index < values.Count
            ? DicomPersonName.Parse(values[index])
            : throw DicomException.At(Offset, Tag, $"value {index} requested but the element has {values.Count}");
    }

    /// <summary>An AT value: a tag stored as group then element (PS3.5 Table 6.2-1).</summary>
    public DicomTag GetTag(int index = 0)
    {
        Require(DicomVR.AT);
        ReadOnlySpan<byte> v = ValueAt(index, 4);
        return IsBigEndian
            ? new DicomTag(BinaryPrimitives.ReadUInt16BigEndian(v), BinaryPrimitives.ReadUInt16BigEndian(v[2..]))
            : new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(v), BinaryPrimitives.ReadUInt16LittleEndian(v[2..]));
    }

    public override string ToString() => $"{Tag} {VR} #{Length}";

    private string TextValueAt(int index)
    {
        IReadOnlyList<string> values = GetStrings();
        return index >= 0 && index < values.Count
            ? values[index]
            : throw DicomException.At(Offset, Tag, $"value {index} requested but the element has {values.Count}");
    }

    private ReadOnlySpan<byte> ValueAt(int index, int size)
    {
        if (index < 0 || (long)(index + 1) * size > Value.Length)
        {
            throw DicomException.At(Offset, Tag, $"value {index} requested but the {VR} value holds {Value.Length / size}");
        }

        return Value.Span.Slice(index * size, size);
    }

    private void Require(DicomVR vr)
    {
        if (VR != vr)
        {
            throw DicomException.At(Offset, Tag, $"VR is {VR}, not {vr}");
        }
    }

    private void RequireText()
    {
        if (!VR.IsText)
        {
            throw DicomException.At(Offset, Tag, $"VR {VR} is not a character string");
        }
    }
}
