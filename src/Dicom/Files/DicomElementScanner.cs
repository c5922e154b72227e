using System.Buffers.Binary;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Tags;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.Dicom.Files;

/// <summary>What a call to <see cref="DicomElementScanner.Scan"/> ended with.</summary>
internal enum ScanStatus
{
    /// <summary>The data ends before the next step; <see cref="DicomElementScanner.Required"/> says how far it must reach.</summary>
    NeedMoreData,

    /// <summary>A top-level element that ends the scan starts at <see cref="DicomElementScanner.Position"/>.</summary>
    Stopped,

    /// <summary>The input ended (it was final) without a stop.</summary>
    EndOfData,
}

/// <summary>
/// Walks the element headers of a prefix of the input that grows as data arrives, to find where reading has to stop
/// without reading values. Defined-length values, whole defined-length sequences and items included, are stepped
/// over by their length; only undefined-length sequences, items and encapsulated pixel data are entered, because only
/// their delimiters say where they end (PS3.5 §7.5.2, §A.4). It follows <see cref="DicomParser"/>'s reading rules
/// (VR handling, UN of undefined length read as Implicit VR Little Endian, PS3.5 §6.2.2), so it stops where the parser
/// would. A call that runs out of data returns <see cref="ScanStatus.NeedMoreData"/> and the next call resumes there:
/// each byte of header is looked at once, whatever the read sizes, and nothing is allocated unless sequences nest.
/// </summary>
internal sealed class DicomElementScanner
{
    private const uint UndefinedLength = 0xFFFF_FFFF; // PS3.5 §7.1.1

    private readonly bool stopAtPixelData;
    private readonly int maxSequenceDepth;
    private Frame[] frames = [];
    private int depth;
    private int sequenceDepth;
    private bool explicitVR;
    private bool bigEndian;

    /// <param name="start">Offset of the first element header.</param>
    /// <param name="stopAtPixelData">
    /// Stop at the top-level Pixel Data (7FE0,0010); otherwise stop at the first top-level tag outside group 0002 (the
    /// end of the File Meta Information, PS3.10 §7.1).
    /// </param>
    public DicomElementScanner(long start, bool explicitVR, bool bigEndian, bool stopAtPixelData, int maxSequenceDepth)
    {
        Position = start;
        this.explicitVR = explicitVR;
        this.bigEndian = bigEndian;
        this.stopAtPixelData = stopAtPixelData;
        this.maxSequenceDepth = maxSequenceDepth;
    }

    private enum FrameKind
    {
        Item,
        Sequence,
        Fragments,
    }

    /// <summary>
    /// The next header to look at (or, after a value was stepped over, the end of that value). Every byte before it
    /// comes before the stop point.
    /// </summary>
    public long Position { get; private set; }

    /// <summary>After <see cref="ScanStatus.NeedMoreData"/>: the input length the next step needs.</summary>
    public long Required { get; private set; }

    /// <summary>Tag and header offset of the last element whose value was stepped over, for errors about its length.</summary>
    public DicomTag? LastTag { get; private set; }

    /// <inheritdoc cref="LastTag"/>
    public long LastOffset { get; private set; } = -1;

    /// <param name="data">The input from its first byte (offsets are absolute).</param>
    /// <param name="isFinal">No more data will come: running short ends the scan instead of asking for more.</param>
    public ScanStatus Scan(ReadOnlySpan<byte> data, bool isFinal)
    {
        while (true)
        {
            bool inElementList = depth == 0 || frames[depth - 1].Kind == FrameKind.Item;
            if (!Has(data, Position + (inElementList ? 4 : 8)))
            {
                return Short(isFinal, Position + (inElementList ? 4 : 8));
            }

            int at = (int)Position;
            var tag = new DicomTag(U16(data, at), U16(data, at + 2));
            if (inElementList)
            {
                if (depth == 0 && (stopAtPixelData ? tag == DicomTag.PixelData : tag.Group != 0x0002))
                {
                    return ScanStatus.Stopped;
                }

                if (!Has(data, Position + 8))
                {
                    return Short(isFinal, Position + 8);
                }

                if (!StepOverElement(data, tag, at, isFinal, out ScanStatus? status))
                {
                    return status!.Value;
                }
            }
            else
            {
                StepOverItem(data, tag, at);
            }
        }
    }

    private static bool Has(ReadOnlySpan<byte> data, long end) => end <= data.Length;

    private ScanStatus Short(bool isFinal, long required)
    {
        Required = required;
        return isFinal ? ScanStatus.EndOfData : ScanStatus.NeedMoreData;
    }

    private ushort U16(ReadOnlySpan<byte> data, int at) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(data[at..]) : BinaryPrimitives.ReadUInt16LittleEndian(data[at..]);

    private uint U32(ReadOnlySpan<byte> data, int at) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(data[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(data[at..]);

    /// <summary>Returns false (with a status) when the header needs bytes that have not arrived.</summary>
    private bool StepOverElement(ReadOnlySpan<byte> data, DicomTag tag, int at, bool isFinal, out ScanStatus? status)
    {
        status = null;
        if (tag == DicomTag.ItemDelimitationItem)
        {
            if (depth == 0)
            {
                throw DicomException.At(at, tag, "Item Delimitation Item outside an item of undefined length");
            }

            Position += 8; // PS3.5 §7.5.2: no value
            Pop();
            return true;
        }

        if (tag.IsDelimiter)
        {
            throw DicomException.At(at, tag, "item or sequence delimiter where a data element was expected");
        }

        DicomVR? vr;
        uint length;
        int headerLength = 8;
        if (explicitVR)
        {
            // PS3.5 §7.1.2; two printable non-VR characters are read with the short header, as the parser does.
            if (DicomVR.TryParse(data.Slice(at + 4, 2), out DicomVR known))
            {
                vr = known;
                if (known.HasLongExplicitLength)
                {
                    if (!Has(data, Position + 12))
                    {
                        status = Short(isFinal, Position + 12);
                        return false;
                    }

                    headerLength = 12;
                }
            }
            else if (data[at + 4] is >= 0x20 and < 0x7F && data[at + 5] is >= 0x20 and < 0x7F)
            {
                vr = null;
            }
            else
            {
                throw DicomException.At(at, tag, $"invalid VR bytes {data[at + 4]:X2} {data[at + 5]:X2} in an explicit VR data set");
            }

            length = headerLength == 12 ? U32(data, at + 8) : U16(data, at + 6);
        }
        else
        {
            vr = DicomDictionary.ImplicitVR(tag); // PS3.5 §7.1.3
            length = U32(data, at + 4);
        }

        if (length == UndefinedLength)
        {
            if (tag == DicomTag.PixelData && vr != DicomVR.SQ)
            {
                Push(FrameKind.Fragments, tag, at, switchToImplicit: false);
            }
            else if (vr == DicomVR.SQ || vr == DicomVR.UN || !explicitVR)
            {
                Push(FrameKind.Sequence, tag, at, switchToImplicit: vr == DicomVR.UN);
            }
            else
            {
                throw DicomException.At(at, tag, $"undefined length is not allowed for VR {vr} (PS3.5 §7.1.1)");
            }

            Position += headerLength;
            return true;
        }

        LastTag = tag;
        LastOffset = at;
        Position += headerLength + (long)length;
        return true;
    }

    /// <summary>Inside an undefined-length sequence or encapsulated pixel data: an item or the sequence delimiter.</summary>
    private void StepOverItem(ReadOnlySpan<byte> data, DicomTag tag, int at)
    {
        Frame frame = frames[depth - 1];
        uint length = U32(data, at + 4);
        if (tag == DicomTag.SequenceDelimitationItem)
        {
            Position += 8;
            Pop();
            return;
        }

        if (tag != DicomTag.Item)
        {
            throw DicomException.At(at, frame.Tag, $"expected an Item (FFFE,E000) in the sequence, found {tag}");
        }

        if (length == UndefinedLength)
        {
            if (frame.Kind == FrameKind.Fragments)
            {
                throw DicomException.At(at, frame.Tag, "fragment of undefined length (PS3.5 §A.4 requires a defined length)");
            }

            Position += 8;
            Push(FrameKind.Item, frame.Tag, at, switchToImplicit: false);
            return;
        }

        LastTag = frame.Tag;
        LastOffset = at;
        Position += 8 + (long)length;
    }

    private void Push(FrameKind kind, DicomTag tag, int at, bool switchToImplicit)
    {
        if (kind == FrameKind.Sequence && ++sequenceDepth > maxSequenceDepth)
        {
            throw DicomException.At(at, tag, $"sequences nested deeper than {maxSequenceDepth} levels");
        }

        if (depth == frames.Length)
        {
            Array.Resize(ref frames, Math.Max(4, frames.Length * 2));
        }

        frames[depth++] = new Frame(kind, tag, explicitVR, bigEndian);
        if (switchToImplicit)
        {
            // PS3.5 §6.2.2: the value of UN with undefined length is encoded as Implicit VR Little Endian.
            explicitVR = false;
            bigEndian = false;
        }
    }

    private void Pop()
    {
        Frame frame = frames[--depth];
        if (frame.Kind == FrameKind.Sequence)
        {
            sequenceDepth--;
        }

        explicitVR = frame.OuterExplicitVR;
        bigEndian = frame.OuterBigEndian;
    }

    /// <summary>An open container and the encoding to return to when it closes.</summary>
    private readonly record struct Frame(FrameKind Kind, DicomTag Tag, bool OuterExplicitVR, bool OuterBigEndian);
}
