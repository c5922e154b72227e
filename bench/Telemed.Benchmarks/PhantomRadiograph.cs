using System.Buffers.Binary;
using System.Text;
using Telemed.Dicom.Files;

namespace Telemed.Benchmarks;

/// <summary>
/// A synthetic 16-bit MONOCHROME2 CR (default 2500 columns × 3000 rows): a smooth body-like gradient, bright disks
/// and a little deterministic noise, so that window/level and PNG compression see realistic, non-flat data. The corpus
/// has no native CR/DX of 2000 × 2000 or more. Written through DicomFile.Save, which adds the File Meta Information.
/// </summary>
internal static class PhantomRadiograph
{
    public static void Write(string path, int columns = 2500, int rows = 3000)
    {
        byte[] pixels = new byte[columns * rows * 2];
        var random = new Random(2026);
        for (int y = 0; y < rows; y++)
        {
            for (int x = 0; x < columns; x++)
            {
                double dx = (x - (columns / 2.0)) / columns;
                double dy = (y - (rows / 2.0)) / rows;
                double tissue = 30000 * Math.Exp(-((dx * dx) + (dy * dy)) * 6);
                double disk = ((x / 250) + (y / 250)) % 5 == 0 && ((x % 250) - 125) * ((x % 250) - 125) + ((y % 250) - 125) * ((y % 250) - 125) < 60 * 60 ? 20000 : 0;
                int value = (int)Math.Clamp(tissue + disk + 5000 + random.Next(-400, 400), 0, 65535);
                BinaryPrimitives.WriteUInt16LittleEndian(pixels.AsSpan(((y * columns) + x) * 2), (ushort)value);
            }
        }

        using var body = new MemoryStream();
        // Explicit VR Little Endian (PS3.5 §7.1.2), elements in ascending tag order (PS3.5 §7.1).
        Text(body, 0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.1\0"); // CR Image Storage
        Text(body, 0x0008, 0x0018, "UI", "2.25.99170622471117280375416135373018232137");
        Text(body, 0x0008, 0x0060, "CS", "CR");
        Text(body, 0x0010, 0x0010, "PN", "PHANTOM^CR ");
        UShort(body, 0x0028, 0x0002, 1);
        Text(body, 0x0028, 0x0004, "CS", "MONOCHROME2 ");
        UShort(body, 0x0028, 0x0010, (ushort)rows);
        UShort(body, 0x0028, 0x0011, (ushort)columns);
        UShort(body, 0x0028, 0x0100, 16);
        UShort(body, 0x0028, 0x0101, 16);
        UShort(body, 0x0028, 0x0102, 15);
        UShort(body, 0x0028, 0x0103, 0);
        Header(body, 0x7FE0, 0x0010, "OW");
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)pixels.Length);
        body.Write(length);
        body.Write(pixels);

        DicomFile.Parse(body.ToArray()).Save(path, DicomTransferSyntax.ExplicitVRLittleEndian);
    }

    private static void Text(Stream s, ushort group, ushort element, string vr, string value)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(value.Length % 2 == 0 ? value : value + " ");
        Short(s, group, element, vr, bytes);
    }

    private static void UShort(Stream s, ushort group, ushort element, ushort value)
    {
        byte[] bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        Short(s, group, element, "US", bytes);
    }

    private static void Short(Stream s, ushort group, ushort element, string vr, byte[] value)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(header, group);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], element);
        header[4] = (byte)vr[0];
        header[5] = (byte)vr[1];
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)value.Length);
        s.Write(header);
        s.Write(value);
    }

    private static void Header(Stream s, ushort group, ushort element, string vr)
    {
        // PS3.5 Table 7.1-1: OB/OW have two reserved bytes and a 32-bit length.
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(header, group);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], element);
        header[4] = (byte)vr[0];
        header[5] = (byte)vr[1];
        s.Write(header);
    }
}
