using System.Buffers.Binary;
using System.Globalization;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Tags;
using Telemed.Dicom.Text;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.Dicom.Data;

/// <summary>
/// Builds a <see cref="DicomDataset"/> from typed values. Values are encoded once, here, as Explicit VR Little
/// Endian bytes (the writer swaps them for other byte orders); text of the VRs that may leave the default repertoire
/// (PS3.5 Table 6.2-1: SH, LO, ST, LT, PN, UC, UT) is encoded in the builder's Specific Character Set, which is
/// written as (0008,0005) and inherited by items made with <see cref="CreateItem"/> (PS3.5 §7.5.3).
/// Adding a tag twice replaces the earlier value.
/// </summary>
public sealed class DicomDatasetBuilder
{
    private readonly Dictionary<uint, DicomElement> elements = [];
    private readonly bool isItem;

    /// <param name="characterSet">Null or the default repertoire: no (0008,0005) is written.</param>
    public DicomDatasetBuilder(DicomCharacterSet? characterSet = null)
        : this(characterSet ?? DicomCharacterSet.Default, isItem: false)
    {
    }

    private DicomDatasetBuilder(DicomCharacterSet characterSet, bool isItem)
    {
        CharacterSet = characterSet;
        this.isItem = isItem;
        if (!isItem && characterSet.SpecificCharacterSet.Length > 0)
        {
            // Encoded in the default repertoire: the defined terms are ASCII (PS3.3 C.12.1.1.2).
            Put(new DicomElement(DicomTag.SpecificCharacterSet, DicomVR.CS, Pad(DicomCharacterSet.Default.Encode(characterSet.SpecificCharacterSet), DicomVR.CS), -1, false));
        }
    }

    public DicomCharacterSet CharacterSet { get; }

    public int Count => elements.Count;

    /// <summary>An item for a sequence of this data set: same character set, no (0008,0005) of its own.</summary>
    public DicomDatasetBuilder CreateItem() => new(CharacterSet, isItem: true);

    /// <summary>A text value (multiple values joined with '\'), VR from the data dictionary by keyword.</summary>
    public DicomDatasetBuilder Add(string keyword, params string[] values) =>
        AddText(Tag(keyword), VR(keyword) ?? throw new DicomException($"{keyword} has a context-dependent VR; use AddText"), values);

    /// <summary>A text value of any text VR; an empty value (zero length) when no values are given.</summary>
    public DicomDatasetBuilder AddText(DicomTag tag, DicomVR vr, params string[] values)
    {
        ArgumentNullException.ThrowIfNull(vr);
        ArgumentNullException.ThrowIfNull(values);
        if (!vr.IsText)
        {
            throw new DicomException($"{tag}: VR {vr} is not a character string") { Tag = tag };
        }

        if (values.Length > 1 && !vr.IsMultiValuedText)
        {
            throw new DicomException($"{tag}: VR {vr} holds a single value, {values.Length} given") { Tag = tag };
        }

        string text = string.Join('\\', values);
        DicomCharacterSet set = vr.UsesSpecificCharacterSet ? CharacterSet : DicomCharacterSet.Default;
        byte[] bytes;
        try
        {
            bytes = set.Encode(text, vr);
        }
        catch (DicomException ex)
        {
            throw new DicomException($"{tag}: {ex.Message}", ex) { Tag = tag };
        }

        return Put(new DicomElement(tag, vr, Pad(bytes, vr), -1, false));
    }

    /// <summary>Decimal strings (DS, PS3.5 Table 6.2-1: at most 16 characters each), shortest round-trip form that fits.</summary>
    public DicomDatasetBuilder AddDecimal(string keyword, params double[] values) =>
        AddText(Tag(keyword), DicomVR.DS, [.. values.Select(v => FormatDecimal(v, Tag(keyword)))]);

    /// <summary>Integer strings (IS).</summary>
    public DicomDatasetBuilder AddInteger(string keyword, params int[] values) =>
        AddText(Tag(keyword), DicomVR.IS, [.. values.Select(v => v.ToString(CultureInfo.InvariantCulture))]);

    public DicomDatasetBuilder AddUInt16(string keyword, params ushort[] values) =>
        AddNumbers(keyword, DicomVR.US, values.Length, 2, (b, i) => BinaryPrimitives.WriteUInt16LittleEndian(b, values[i]));

    public DicomDatasetBuilder AddInt16(string keyword, params short[] values) =>
        AddNumbers(keyword, DicomVR.SS, values.Length, 2, (b, i) => BinaryPrimitives.WriteInt16LittleEndian(b, values[i]));

    public DicomDatasetBuilder AddUInt32(string keyword, params uint[] values) =>
        AddNumbers(keyword, DicomVR.UL, values.Length, 4, (b, i) => BinaryPrimitives.WriteUInt32LittleEndian(b, values[i]));

    /// <summary>Bytes of an OB, OW or UN value; OW bytes are taken as little endian 16-bit words.</summary>
    public DicomDatasetBuilder AddBinary(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> value)
    {
        ArgumentNullException.ThrowIfNull(vr);
        if (vr.Kind != DicomVRKind.Bytes)
        {
            throw new DicomException($"{tag}: VR {vr} is not a binary VR") { Tag = tag };
        }

        if (value.Length % vr.ValueSize != 0)
        {
            throw new DicomException($"{tag}: {value.Length} bytes is not a whole number of {vr} values") { Tag = tag };
        }

        return Put(new DicomElement(tag, vr, value, -1, false));
    }

    /// <summary>16-bit signed words as OW (e.g. Waveform Data, PS3.3 C.10.9.1.4), little endian.</summary>
    public DicomDatasetBuilder AddWords(DicomTag tag, ReadOnlySpan<short> words)
    {
        byte[] bytes = new byte[words.Length * 2];
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), words[i]);
        }

        return AddBinary(tag, DicomVR.OW, bytes);
    }

    /// <summary>A sequence (PS3.5 §7.5) of the given items, written with defined lengths; no items gives an empty sequence.</summary>
    public DicomDatasetBuilder AddSequence(string keyword, params DicomDatasetBuilder[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        DicomTag tag = Tag(keyword);
        if (VR(keyword) != DicomVR.SQ)
        {
            throw new DicomException($"{keyword} {tag} is not a sequence") { Tag = tag };
        }

        var built = items.Select(i => i.Build()).ToList();
        return Put(new DicomSequence(tag, ReadOnlyMemory<byte>.Empty, -1, false, built, hasUndefinedLength: false));
    }

    /// <summary>Copies an element as it is, e.g. from a parsed data set (values keep their byte order; the writer swaps them).</summary>
    public DicomDatasetBuilder AddElement(DicomElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return Put(element);
    }

    /// <summary>
    /// Encapsulated Pixel Data (PS3.5 §A.4) from frames already encoded for the file's transfer syntax. Each frame is
    /// cut into fragments of at most <paramref name="maxFragmentLength"/> bytes (even), the last padded to even length
    /// with 00H. <see cref="FrameOffsetTable.Basic"/> fills the Basic Offset Table; <see cref="FrameOffsetTable.Extended"/>
    /// leaves it empty and adds Extended Offset Table (7FE0,0001) and Extended Offset Table Lengths (7FE0,0002) as OV
    /// (PS3.3 C.7.6.3.1.8): offsets of each frame's first item from the first fragment's item tag, and each frame's
    /// bytes as stored, padding included, so that a table always matches its fragments exactly.
    /// </summary>
    public DicomDatasetBuilder AddEncapsulatedPixelData(
        IReadOnlyList<ReadOnlyMemory<byte>> frames, FrameOffsetTable offsetTable, int maxFragmentLength = int.MaxValue - 1)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (maxFragmentLength < 2 || maxFragmentLength % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxFragmentLength), maxFragmentLength, "fragments have even length (PS3.5 §A.4)");
        }

        var fragments = new List<ReadOnlyMemory<byte>>();
        byte[] offsets = new byte[frames.Count * 8];
        byte[] lengths = new byte[frames.Count * 8];
        long position = 0;
        for (int f = 0; f < frames.Count; f++)
        {
            ReadOnlyMemory<byte> frame = frames[f];
            if (frame.IsEmpty)
            {
                throw new DicomException($"frame {f + 1} is empty") { Tag = DicomTag.PixelData };
            }

            BinaryPrimitives.WriteUInt64LittleEndian(offsets.AsSpan(f * 8), (ulong)position);
            long stored = 0;
            for (int at = 0; at < frame.Length; at += maxFragmentLength)
            {
                ReadOnlyMemory<byte> part = frame.Slice(at, Math.Min(maxFragmentLength, frame.Length - at));
                if (part.Length % 2 == 1)
                {
                    byte[] padded = new byte[part.Length + 1];
                    part.CopyTo(padded);
                    part = padded;
                }

                fragments.Add(part);
                stored += part.Length;
                position += 8 + part.Length; // item tag and length, PS3.5 §7.5
            }

            BinaryPrimitives.WriteUInt64LittleEndian(lengths.AsSpan(f * 8), (ulong)stored);
        }

        var extendedOffsets = new DicomTag(0x7FE0, 0x0001);
        var extendedLengths = new DicomTag(0x7FE0, 0x0002);
        byte[] basic = [];
        if (offsetTable == FrameOffsetTable.Extended)
        {
            Put(new DicomElement(extendedOffsets, DicomVR.OV, offsets, -1, false));
            Put(new DicomElement(extendedLengths, DicomVR.OV, lengths, -1, false));
        }
        else
        {
            elements.Remove(extendedOffsets.Value);
            elements.Remove(extendedLengths.Value);
            basic = new byte[frames.Count * 4];
            for (int f = 0; f < frames.Count; f++)
            {
                ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(offsets.AsSpan(f * 8));
                if (offset > uint.MaxValue)
                {
                    throw new DicomException($"frame {f + 1} starts {offset} bytes in, past what a Basic Offset Table holds: use {FrameOffsetTable.Extended}") { Tag = DicomTag.PixelData };
                }

                BinaryPrimitives.WriteUInt32LittleEndian(basic.AsSpan(f * 4), (uint)offset);
            }
        }

        // PS3.5 §A.4: encapsulated Pixel Data is OB of undefined length.
        return Put(new DicomFragmentSequence(DicomTag.PixelData, DicomVR.OB, ReadOnlyMemory<byte>.Empty, -1, basic, fragments));
    }

    /// <summary>The data set so far; the builder can go on being used.</summary>
    public DicomDataset Build() => new([.. elements.Values.OrderBy(e => e.Tag.Value)], CharacterSet);

    private DicomDatasetBuilder AddNumbers(string keyword, DicomVR vr, int count, int size, Action<Span<byte>, int> write)
    {
        DicomTag tag = Tag(keyword);
        if (VR(keyword) is DicomVR expected && expected != vr)
        {
            throw new DicomException($"{keyword} {tag} has VR {expected}, not {vr}") { Tag = tag };
        }

        byte[] bytes = new byte[count * size];
        for (int i = 0; i < count; i++)
        {
            write(bytes.AsSpan(i * size, size), i);
        }

        return Put(new DicomElement(tag, vr, bytes, -1, false));
    }

    private DicomDatasetBuilder Put(DicomElement element)
    {
        if (isItem && element.Tag == DicomTag.SpecificCharacterSet)
        {
            throw new DicomException("items inherit the Specific Character Set of the data set they were created from") { Tag = element.Tag };
        }

        elements[element.Tag.Value] = element;
        return this;
    }

    private static DicomTag Tag(string keyword) => DicomDictionary.GetTag(keyword);

    /// <summary>The dictionary's VR; null for context-dependent ones ("US or SS", "OB or OW").</summary>
    private static DicomVR? VR(string keyword) =>
        DicomDictionary.TryGetEntry(keyword, out DicomDictionaryEntry entry) ? entry.VR : throw new DicomException($"unknown keyword '{keyword}'");

    /// <summary>PS3.5 §7.1.1: values have even length, padded with the VR's padding byte (§6.2).</summary>
    private static byte[] Pad(byte[] value, DicomVR vr)
    {
        if (value.Length % 2 == 0)
        {
            return value;
        }

        byte[] padded = new byte[value.Length + 1];
        value.CopyTo(padded, 0);
        padded[^1] = vr.PaddingByte;
        return padded;
    }

    private static string FormatDecimal(double value, DicomTag tag)
    {
        if (!double.IsFinite(value))
        {
            throw new DicomException($"{tag}: DS cannot hold {value}") { Tag = tag };
        }

        string text = value.ToString("R", CultureInfo.InvariantCulture);
        for (int digits = 15; text.Length > 16 && digits > 0; digits--)
        {
            text = value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }

        return text.Length <= 16 ? text : throw new DicomException($"{tag}: {value} does not fit a 16-character DS") { Tag = tag };
    }
}
