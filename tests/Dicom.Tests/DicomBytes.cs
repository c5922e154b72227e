using System.Buffers.Binary;
using System.Text;

namespace Telemed.Dicom.Tests;

/// <summary>Builds encoded data sets byte by byte for tests, so each test states exactly what is on the wire.</summary>
internal sealed class DicomBytes
{
    private readonly List<byte> bytes = [];
    private readonly bool bigEndian;

    public DicomBytes(bool bigEndian = false)
    {
        this.bigEndian = bigEndian;
    }

    public int Length => bytes.Count;

    public DicomBytes Raw(params byte[] raw)
    {
        bytes.AddRange(raw);
        return this;
    }

    public DicomBytes Ascii(string text) => Raw(Encoding.Latin1.GetBytes(text));

    public DicomBytes U16(ushort value)
    {
        byte[] b = new byte[2];
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(b, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        }

        return Raw(b);
    }

    public DicomBytes U32(uint value)
    {
        byte[] b = new byte[4];
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(b, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        }

        return Raw(b);
    }

    public DicomBytes Tag(ushort group, ushort element) => U16(group).U16(element);

    /// <summary>Explicit VR element with the short (16-bit length) header.</summary>
    public DicomBytes Explicit(ushort group, ushort element, string vr, byte[] value) =>
        Tag(group, element).Ascii(vr).U16((ushort)value.Length).Raw(value);

    /// <summary>Explicit VR element with the long header (reserved bytes and 32-bit length).</summary>
    public DicomBytes ExplicitLong(ushort group, ushort element, string vr, uint length) =>
        Tag(group, element).Ascii(vr).Raw(0, 0).U32(length);

    public DicomBytes Implicit(ushort group, ushort element, byte[] value) =>
        Tag(group, element).U32((uint)value.Length).Raw(value);

    public DicomBytes ExplicitText(ushort group, ushort element, string vr, string text) =>
        Explicit(group, element, vr, Encoding.Latin1.GetBytes(text));

    /// <summary>Item tag with a length (0xFFFFFFFF for undefined), always tag + 32-bit length (PS3.5 §7.5).</summary>
    public DicomBytes Item(uint length) => Tag(0xFFFE, 0xE000).U32(length);

    public DicomBytes ItemDelimiter() => Tag(0xFFFE, 0xE00D).U32(0);

    public DicomBytes SequenceDelimiter() => Tag(0xFFFE, 0xE0DD).U32(0);

    public byte[] ToArray() => [.. bytes];

    /// <summary>A Part 10 file: 128-byte preamble, "DICM", explicit VR LE group 0002 with the transfer syntax, then the body.</summary>
    public static byte[] Part10(string transferSyntaxUid, byte[] body)
    {
        string uid = transferSyntaxUid.Length % 2 == 1 ? transferSyntaxUid + "\0" : transferSyntaxUid;
        byte[] meta = new DicomBytes().ExplicitText(0x0002, 0x0010, "UI", uid).ToArray();
        var file = new DicomBytes().Raw(new byte[128]).Ascii("DICM")
            .Explicit(0x0002, 0x0000, "UL", new DicomBytes().U32((uint)meta.Length).ToArray())
            .Raw(meta)
            .Raw(body);
        return file.ToArray();
    }
}
