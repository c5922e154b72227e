using System.Buffers.Binary;
using Telemed.Dicom.Data;

namespace Telemed.Dicom.Imaging;

/// <summary>Red, Green and Blue Palette Color Lookup Tables (PS3.3 C.7.6.3.1.5 and C.7.6.3.1.6), reduced to 8 bits.</summary>
internal sealed class PaletteColorLut
{
    private readonly byte[] red;
    private readonly byte[] green;
    private readonly byte[] blue;
    private readonly int firstMapped;

    private PaletteColorLut(byte[] red, byte[] green, byte[] blue, int firstMapped)
    {
        this.red = red;
        this.green = green;
        this.blue = blue;
        this.firstMapped = firstMapped;
    }

    public static PaletteColorLut FromDataset(DicomDataset dataset, bool signedInput)
    {
        (byte[] r, int first) = Channel(dataset, ImageTags.RedPaletteColorLookupTableDescriptor, ImageTags.RedPaletteColorLookupTableData, signedInput);
        (byte[] g, _) = Channel(dataset, ImageTags.GreenPaletteColorLookupTableDescriptor, ImageTags.GreenPaletteColorLookupTableData, signedInput);
        (byte[] b, _) = Channel(dataset, ImageTags.BluePaletteColorLookupTableDescriptor, ImageTags.BluePaletteColorLookupTableData, signedInput);
        return new PaletteColorLut(r, g, b, first);
    }

    public void Apply(int index, Span<byte> rgb)
    {
        int i = Math.Clamp(index - firstMapped, 0, red.Length - 1);
        rgb[0] = red[Math.Min(i, red.Length - 1)];
        rgb[1] = green[Math.Min(i, green.Length - 1)];
        rgb[2] = blue[Math.Min(i, blue.Length - 1)];
    }

    private static (byte[] Values, int First) Channel(DicomDataset dataset, Tags.DicomTag descriptorTag, Tags.DicomTag dataTag, bool signedInput)
    {
        DicomElement descriptor = dataset[descriptorTag];
        DicomElement data = dataset[dataTag];
        if (descriptor.Length < 6)
        {
            throw new DicomException($"{descriptorTag} at offset {descriptor.Offset} needs three values") { Offset = descriptor.Offset, Tag = descriptorTag };
        }

        ReadOnlySpan<byte> d = descriptor.Value.Span;
        int count = Read(d, 0, descriptor.IsBigEndian);
        count = count == 0 ? 65536 : count;
        int first = signedInput ? (short)Read(d, 1, descriptor.IsBigEndian) : Read(d, 1, descriptor.IsBigEndian);
        int bits = Read(d, 2, descriptor.IsBigEndian);
        if (data.Length < count * 2 || bits is not (8 or 16))
        {
            throw new DicomException($"{dataTag} at offset {data.Offset}: {data.Length} bytes, {bits} bits, cannot hold {count} entries (PS3.3 C.7.6.3.1.6)")
            {
                Offset = data.Offset,
                Tag = dataTag,
            };
        }

        var values = new byte[count];
        for (int i = 0; i < count; i++)
        {
            int v = Read(data.Value.Span, i, data.IsBigEndian);
            // 16-bit entries keep their high byte; 8-bit entries sit in the low byte of each word.
            values[i] = (byte)(bits == 16 ? v >> 8 : v);
        }

        return (values, first);
    }

    private static ushort Read(ReadOnlySpan<byte> bytes, int index, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(index * 2, 2)) : BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(index * 2, 2));
}
