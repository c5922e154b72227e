using Telemed.Dicom.Data;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.Dicom.Imaging;

/// <summary>
/// A VOI LUT from the VOI LUT Sequence (PS3.3 C.11.2.1.1): LUT Descriptor (entries, first input value mapped, bits
/// per entry) and LUT Data. Inputs below the first mapped value take the first entry, above the last the last.
/// </summary>
public sealed class VoiLut
{
    private readonly ushort[] entries;

    private VoiLut(ushort[] entries, int firstMapped, int bitsPerEntry)
    {
        this.entries = entries;
        FirstMapped = firstMapped;
        BitsPerEntry = bitsPerEntry;
    }

    public int FirstMapped { get; }

    public int BitsPerEntry { get; }

    public int Count => entries.Length;

    /// <summary>The first item of the VOI LUT Sequence, or null when the data set has none.</summary>
    public static VoiLut? FromDataset(DicomDataset dataset, bool signedInput)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!dataset.TryGetElement(ImageTags.VoiLutSequence, out DicomElement? element) || element is not DicomSequence { Items.Count: > 0 } sequence)
        {
            return null;
        }

        DicomDataset item = sequence.Items[0];
        DicomElement descriptor = item[ImageTags.LutDescriptor];
        DicomElement data = item[ImageTags.LutData];
        if (descriptor.Length < 6)
        {
            throw new DicomException($"LUT Descriptor {ImageTags.LutDescriptor} at offset {descriptor.Offset} needs three values") { Offset = descriptor.Offset, Tag = ImageTags.LutDescriptor };
        }

        // PS3.3 C.11.2.1.1: 0 entries means 2^16; the first value mapped is signed when the input is.
        int count = Word(descriptor, 0);
        count = count == 0 ? 65536 : count;
        int first = signedInput ? (short)Word(descriptor, 1) : Word(descriptor, 1);
        int bits = Word(descriptor, 2);
        if (bits is < 8 or > 16 || data.Length < count * 2)
        {
            throw new DicomException($"VOI LUT at offset {data.Offset}: {bits} bits per entry and {data.Length} data bytes for {count} entries are not a usable LUT (PS3.3 C.11.2.1.1)")
            {
                Offset = data.Offset,
                Tag = ImageTags.LutData,
            };
        }

        var values = new ushort[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = Word(data, i);
        }

        return new VoiLut(values, first, bits);
    }

    /// <summary>The entry for <paramref name="x"/>, clamped to the table, scaled to 0..1.</summary>
    public double Apply(double x)
    {
        double index = Math.Clamp(Math.Round(x) - FirstMapped, 0, entries.Length - 1);
        return entries[(int)index] / (double)((1 << BitsPerEntry) - 1);
    }

    // US/SS/OW values read as 16-bit words in the element's byte order, whatever VR the writer chose.
    private static ushort Word(DicomElement element, int index)
    {
        ReadOnlySpan<byte> v = element.Value.Span.Slice(index * 2, 2);
        return element.IsBigEndian && element.VR != DicomVR.OB
            ? System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(v)
            : System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(v);
    }
}
