using System.Buffers.Binary;
using Telemed.Dicom.Data;
using Telemed.Dicom.Tags;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.Dicom.Files;

/// <summary>
/// Encodes data sets in a native transfer syntax (PS3.5 §7): element headers per §7.1.2 (explicit) or §7.1.3
/// (implicit), values padded to even length with the VR's padding byte (§6.2), numbers in the target byte order,
/// sequences and items with the defined or undefined length they were read with (§7.5), encapsulated pixel data as
/// offset table, fragments and a delimiter (§A.4), and group lengths (gggg,0000) recomputed where present (§7.2).
/// </summary>
internal sealed class DicomWriter
{
    private const uint UndefinedLength = 0xFFFF_FFFF;

    private readonly bool explicitVR;
    private readonly bool bigEndian;

    public DicomWriter(bool explicitVR, bool bigEndian)
    {
        this.explicitVR = explicitVR;
        this.bigEndian = bigEndian;
    }

    public byte[] Encode(DicomDataset dataset)
    {
        using var output = new MemoryStream();
        Write(dataset, output);
        return output.ToArray();
    }

    public void Write(DicomDataset dataset, Stream output)
    {
        var elements = dataset.ToList();
        for (int i = 0; i < elements.Count; i++)
        {
            DicomElement element = elements[i];
            if (element.Tag.IsGroupLength && element.Length == 4 && element.VR == DicomVR.UL)
            {
                // PS3.5 §7.2: the group length counts the bytes of the group's elements that follow it, as encoded here.
                using var group = new MemoryStream();
                int j = i + 1;
                for (; j < elements.Count && elements[j].Tag.Group == element.Tag.Group; j++)
                {
                    WriteElement(elements[j], group);
                }

                WriteHeader(output, element.Tag, DicomVR.UL, 4);
                WriteUInt32(output, checked((uint)group.Length));
                group.Position = 0;
                group.CopyTo(output);
                i = j - 1;
                continue;
            }

            WriteElement(element, output);
        }
    }

    private void WriteElement(DicomElement element, Stream output)
    {
        switch (element)
        {
            case DicomFragmentSequence pixels:
                WriteHeader(output, element.Tag, DicomVR.OB, UndefinedLength);
                WriteItem(output, pixels.BasicOffsetTable.Span);
                foreach (ReadOnlyMemory<byte> fragment in pixels.Fragments)
                {
                    WriteItem(output, fragment.Span);
                }

                WriteDelimiter(output, DicomTag.SequenceDelimitationItem);
                return;
            case DicomSequence sequence:
                WriteSequence(sequence, output);
                return;
        }

        ReadOnlySpan<byte> source = element.Value.Span;
        byte[] value = new byte[source.Length + (source.Length & 1)];
        source.CopyTo(value);
        if ((source.Length & 1) == 1)
        {
            value[^1] = element.VR.PaddingByte; // PS3.5 §7.1.1: every value has even length
        }

        int swap = SwapSize(element.VR);
        if (swap > 1 && element.IsBigEndian != bigEndian)
        {
            for (int at = 0; at + swap <= value.Length; at += swap)
            {
                value.AsSpan(at, swap).Reverse();
            }
        }

        // PS3.5 §6.2.2: a value too long for a 16-bit length field is written as UN.
        DicomVR vr = explicitVR && !element.VR.HasLongExplicitLength && value.Length > 0xFFFF ? DicomVR.UN : element.VR;
        WriteHeader(output, element.Tag, vr, (uint)value.Length);
        output.Write(value);
    }

    private void WriteSequence(DicomSequence sequence, Stream output)
    {
        using var items = new MemoryStream();
        foreach (DicomDataset item in sequence.Items)
        {
            if (item.HasUndefinedLength)
            {
                WriteTagAndLength(items, DicomTag.Item, UndefinedLength);
                Write(item, items);
                WriteDelimiter(items, DicomTag.ItemDelimitationItem);
            }
            else
            {
                byte[] content = Encode(item);
                WriteTagAndLength(items, DicomTag.Item, (uint)content.Length);
                items.Write(content);
            }
        }

        if (sequence.HasUndefinedLength)
        {
            WriteHeader(output, sequence.Tag, DicomVR.SQ, UndefinedLength);
            items.Position = 0;
            items.CopyTo(output);
            WriteDelimiter(output, DicomTag.SequenceDelimitationItem);
        }
        else
        {
            WriteHeader(output, sequence.Tag, DicomVR.SQ, checked((uint)items.Length));
            items.Position = 0;
            items.CopyTo(output);
        }
    }

    /// <summary>Bytes per number that change order between little and big endian (AT is two 16-bit numbers).</summary>
    private static int SwapSize(DicomVR vr) => vr.Code switch
    {
        "AT" or "OW" => 2,
        "OF" or "OL" => 4,
        "OD" or "OV" => 8,
        _ => vr.Kind == DicomVRKind.Number ? vr.ValueSize : 1,
    };

    private void WriteHeader(Stream output, DicomTag tag, DicomVR vr, uint length)
    {
        WriteUInt16(output, tag.Group);
        WriteUInt16(output, tag.Element);
        if (!explicitVR)
        {
            WriteUInt32(output, length); // PS3.5 §7.1.3
            return;
        }

        output.WriteByte((byte)vr.Code[0]);
        output.WriteByte((byte)vr.Code[1]);
        if (vr.HasLongExplicitLength)
        {
            WriteUInt16(output, 0);
            WriteUInt32(output, length);
        }
        else
        {
            WriteUInt16(output, checked((ushort)length));
        }
    }

    /// <summary>Items and delimiters have no VR in any transfer syntax (PS3.5 §7.5).</summary>
    private void WriteTagAndLength(Stream output, DicomTag tag, uint length)
    {
        WriteUInt16(output, tag.Group);
        WriteUInt16(output, tag.Element);
        WriteUInt32(output, length);
    }

    private void WriteItem(Stream output, ReadOnlySpan<byte> content)
    {
        WriteTagAndLength(output, DicomTag.Item, (uint)content.Length);
        output.Write(content);
    }

    private void WriteDelimiter(Stream output, DicomTag delimiter) => WriteTagAndLength(output, delimiter, 0);

    private void WriteUInt16(Stream output, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(b, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        }

        output.Write(b);
    }

    private void WriteUInt32(Stream output, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(b, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        }

        output.Write(b);
    }
}
