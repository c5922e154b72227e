using System.Buffers.Binary;
using Telemed.Dicom.Data;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Tags;
using Telemed.Dicom.Text;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.Dicom.Files;

/// <summary>
/// Reads data elements from one in-memory buffer. Every length read from the input is checked against the bytes that
/// remain before anything is sliced, so a hostile length can never cause an allocation or a read past the end;
/// values are slices of the buffer, not copies.
/// </summary>
internal sealed class DicomParser
{
    private const uint UndefinedLength = 0xFFFF_FFFF; // PS3.5 §7.1.1

    private readonly ReadOnlyMemory<byte> buffer;
    private readonly DicomReadOptions options;
    private bool explicitVR;
    private bool bigEndian;
    private int position;

    public DicomParser(ReadOnlyMemory<byte> buffer, int start, DicomReadOptions options)
    {
        this.buffer = buffer;
        this.options = options;
        position = start;
    }

    public int Position => position;

    /// <summary>
    /// PS3.10 §7.1: the File Meta Information is group 0002 in Explicit VR Little Endian. The elements are read while
    /// the group is 0002 rather than trusting (0002,0000), which some writers get wrong or omit.
    /// </summary>
    public DicomDataset ReadFileMetaInformation()
    {
        explicitVR = true;
        bigEndian = false;
        var elements = new List<DicomElement>();
        ReadOnlySpan<byte> span = buffer.Span;
        while (span.Length - position >= 8 && BinaryPrimitives.ReadUInt16LittleEndian(span[position..]) == 0x0002)
        {
            var tag = new DicomTag(0x0002, BinaryPrimitives.ReadUInt16LittleEndian(span[(position + 2)..]));
            elements.Add(ReadElement(tag, buffer.Length, 0, DicomCharacterSet.Default));
        }

        return new DicomDataset(elements, DicomCharacterSet.Default);
    }

    /// <summary>Reads the data set from the current position to the end of the buffer.</summary>
    public DicomDataset ReadDataset(DicomTransferSyntax syntax)
    {
        explicitVR = syntax.IsExplicitVR;
        bigEndian = syntax.IsBigEndian;
        return ReadElements(buffer.Length, untilItemDelimiter: false, depth: 0, DicomCharacterSet.Default);
    }

    private ReadOnlySpan<byte> Span => buffer.Span;

    private static bool IsPrintable(byte b) => b is >= 0x20 and < 0x7F;

    private ushort U16(int at) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(Span[at..]) : BinaryPrimitives.ReadUInt16LittleEndian(Span[at..]);

    private uint U32(int at) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(Span[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(Span[at..]);

    private DicomDataset ReadElements(int end, bool untilItemDelimiter, int depth, DicomCharacterSet inherited)
    {
        var elements = new List<DicomElement>();
        DicomCharacterSet characterSet = inherited;
        while (true)
        {
            if (position == end)
            {
                if (untilItemDelimiter)
                {
                    throw DicomException.At(position, null, "item of undefined length ends without an Item Delimitation Item (PS3.5 §7.5.2)");
                }

                break;
            }

            if (end - position < 8)
            {
                throw DicomException.At(position, null, $"{end - position} byte(s) left, too few for an element header");
            }

            int start = position;
            var tag = new DicomTag(U16(position), U16(position + 2));
            if (tag == DicomTag.ItemDelimitationItem)
            {
                if (!untilItemDelimiter)
                {
                    throw DicomException.At(start, tag, "Item Delimitation Item outside an item of undefined length");
                }

                position += 8; // PS3.5 §7.5.2: the delimiter's length is 0 and it has no value
                break;
            }

            if (tag.IsDelimiter)
            {
                throw DicomException.At(start, tag, "item or sequence delimiter where a data element was expected");
            }

            if (depth == 0 && options.StopBeforePixelData && tag == DicomTag.PixelData)
            {
                break;
            }

            DicomElement element = ReadElement(tag, end, depth, characterSet);
            elements.Add(element);
            if (tag == DicomTag.SpecificCharacterSet && element.VR.IsText)
            {
                // Items that follow inherit the character set (PS3.5 §7.5.3).
                characterSet = DicomCharacterSet.FromSpecificCharacterSet(element.GetString());
            }
        }

        return new DicomDataset(elements, inherited);
    }

    private DicomElement ReadElement(DicomTag tag, int end, int depth, DicomCharacterSet characterSet)
    {
        int start = position;
        DicomVR vr;
        uint length;
        if (explicitVR)
        {
            // PS3.5 §7.1.2: tag, two ASCII letters of VR, then a 16-bit length, or two reserved bytes and a 32-bit length.
            bool knownVR = DicomVR.TryParse(Span.Slice(position + 4, 2), out vr);
            if (!knownVR && (!IsPrintable(Span[position + 4]) || !IsPrintable(Span[position + 5])))
            {
                throw DicomException.At(start, tag, $"invalid VR bytes {Span[position + 4]:X2} {Span[position + 5]:X2} in an explicit VR data set");
            }

            if (!knownVR)
            {
                // Two printable characters that are no VR (e.g. "  " from a broken writer): read like DCMTK does, with the
                // 16-bit length of the short header form, and keep the value as UN (PS3.5 §6.2.2: unknown).
                length = U16(position + 6);
                position += 8;
            }
            else if (vr.HasLongExplicitLength)
            {
                if (end - position < 12)
                {
                    throw DicomException.At(start, tag, "truncated explicit VR element header");
                }

                length = U32(position + 8);
                position += 12;
            }
            else
            {
                length = U16(position + 6);
                position += 8;
            }
        }
        else
        {
            // PS3.5 §7.1.3: implicit VR: tag and 32-bit length; the VR comes from the dictionary.
            vr = DicomDictionary.ImplicitVR(tag);
            length = U32(position + 4);
            position += 8;
        }

        if (length == UndefinedLength)
        {
            if (tag == DicomTag.PixelData && vr != DicomVR.SQ)
            {
                return ReadFragments(tag, start, end);
            }

            if (vr == DicomVR.SQ || vr == DicomVR.UN || !explicitVR)
            {
                // PS3.5 §6.2.2: UN of undefined length holds a sequence in Implicit VR Little Endian; in an implicit VR
                // data set an undefined length can only be a sequence (PS3.5 §7.1.1).
                return ReadSequence(tag, start, end, undefinedLength: true, switchToImplicit: vr == DicomVR.UN, depth, characterSet);
            }

            throw DicomException.At(start, tag, $"undefined length is not allowed for VR {vr} (PS3.5 §7.1.1)");
        }

        if (length > end - position)
        {
            throw DicomException.At(start, tag, $"value length {length} exceeds the {end - position} byte(s) remaining");
        }

        if (vr == DicomVR.SQ)
        {
            return ReadSequence(tag, start, position + (int)length, undefinedLength: false, switchToImplicit: false, depth, characterSet);
        }

        var element = new DicomElement(tag, vr, buffer.Slice(position, (int)length), start, bigEndian);
        position += (int)length;
        return element;
    }

    private DicomSequence ReadSequence(
        DicomTag tag, int start, int end, bool undefinedLength, bool switchToImplicit, int depth, DicomCharacterSet characterSet)
    {
        if (depth + 1 > options.MaxSequenceDepth)
        {
            throw DicomException.At(start, tag, $"sequences nested deeper than {options.MaxSequenceDepth} levels");
        }

        bool savedExplicit = explicitVR;
        bool savedBigEndian = bigEndian;
        if (switchToImplicit)
        {
            explicitVR = false;
            bigEndian = false;
        }

        int valueStart = position;
        var items = new List<DicomDataset>();
        while (undefinedLength || position != end)
        {
            if (end - position < 8)
            {
                throw DicomException.At(position, tag, undefinedLength
                    ? "sequence of undefined length ends without a Sequence Delimitation Item (PS3.5 §7.5.2)"
                    : "truncated item header in the sequence");
            }

            int itemStart = position;
            var itemTag = new DicomTag(U16(position), U16(position + 2));
            uint itemLength = U32(position + 4);
            position += 8;
            if (itemTag == DicomTag.SequenceDelimitationItem)
            {
                if (!undefinedLength)
                {
                    throw DicomException.At(itemStart, tag, "Sequence Delimitation Item in a sequence of defined length");
                }

                break;
            }

            if (itemTag != DicomTag.Item)
            {
                throw DicomException.At(itemStart, tag, $"expected an Item (FFFE,E000) in the sequence, found {itemTag}");
            }

            if (itemLength == UndefinedLength)
            {
                DicomDataset item = ReadElements(end, untilItemDelimiter: true, depth + 1, characterSet);
                item.HasUndefinedLength = true;
                items.Add(item);
            }
            else if (itemLength > end - position)
            {
                throw DicomException.At(itemStart, tag, $"item length {itemLength} exceeds the {end - position} byte(s) remaining");
            }
            else
            {
                items.Add(ReadElements(position + (int)itemLength, untilItemDelimiter: false, depth + 1, characterSet));
            }
        }

        int valueEnd = undefinedLength ? position - 8 : position;
        explicitVR = savedExplicit;
        bigEndian = savedBigEndian;
        return new DicomSequence(tag, buffer[valueStart..valueEnd], start, bigEndian, items, undefinedLength);
    }

    /// <summary>PS3.5 §A.4: Basic Offset Table item, fragment items, Sequence Delimitation Item; items always have a length.</summary>
    private DicomFragmentSequence ReadFragments(DicomTag tag, int start, int end)
    {
        int valueStart = position;
        ReadOnlyMemory<byte>? offsetTable = null;
        var fragments = new List<ReadOnlyMemory<byte>>();
        while (true)
        {
            if (end - position < 8)
            {
                throw DicomException.At(position, tag, "encapsulated pixel data ends without a Sequence Delimitation Item (PS3.5 §A.4)");
            }

            int itemStart = position;
            var itemTag = new DicomTag(U16(position), U16(position + 2));
            uint itemLength = U32(position + 4);
            position += 8;
            if (itemTag == DicomTag.SequenceDelimitationItem)
            {
                break;
            }

            if (itemTag != DicomTag.Item)
            {
                throw DicomException.At(itemStart, tag, $"expected a fragment Item (FFFE,E000) in encapsulated pixel data, found {itemTag}");
            }

            if (itemLength > end - position)
            {
                throw DicomException.At(itemStart, tag, itemLength == UndefinedLength
                    ? "fragment of undefined length (PS3.5 §A.4 requires a defined length)"
                    : $"fragment length {itemLength} exceeds the {end - position} byte(s) remaining");
            }

            ReadOnlyMemory<byte> item = buffer.Slice(position, (int)itemLength);
            position += (int)itemLength;
            if (offsetTable is null)
            {
                offsetTable = item;
            }
            else
            {
                fragments.Add(item);
            }
        }

        // PS3.5 §A.4: encapsulated Pixel Data is OB, whatever VR the writer put in the header.
        return new DicomFragmentSequence(
            tag, DicomVR.OB, buffer[valueStart..(position - 8)], start, offsetTable ?? ReadOnlyMemory<byte>.Empty, fragments);
    }
}
