using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Telemed.Dicom.Data;
using Telemed.Dicom.Tags;

namespace Telemed.Dicom.Imaging;

/// <summary>Which fragments of encapsulated pixel data make up a frame (PS3.5 §A.4).</summary>
internal static class EncapsulatedFrames
{
    private const int ItemHeaderLength = 8;

    /// <summary>
    /// The encoded frame: one fragment when it is the whole frame (no copy), otherwise its fragments joined.
    /// <paramref name="fileOffset"/> is where the frame's first byte sits in the parsed buffer. The Extended Offset
    /// Table of <paramref name="dataset"/>, when present, says where the frame is; otherwise the Basic Offset Table or
    /// the fragments themselves do.
    /// </summary>
    public static ReadOnlyMemory<byte> Get(DicomDataset dataset, DicomFragmentSequence pixels, int frame, int frameCount, out long fileOffset)
    {
        IReadOnlyList<ReadOnlyMemory<byte>> fragments = pixels.Fragments;
        (int first, int count, long length) = dataset.TryGetElement(ImageTags.ExtendedOffsetTable, out DicomElement? table)
            ? LocateByExtendedOffsetTable(dataset, table, pixels, frame, frameCount)
            : WithWholeLength(Locate(pixels, frame, frameCount));
        fileOffset = BufferOffset(fragments[first], pixels.Offset);
        if (count == 1)
        {
            return fragments[first][..(int)length];
        }

        byte[] joined = new byte[length];
        int at = 0;
        for (int i = first; at < length; i++)
        {
            ReadOnlySpan<byte> part = fragments[i].Span;
            part = part[..Math.Min(part.Length, (int)(length - at))];
            part.CopyTo(joined.AsSpan(at));
            at += part.Length;
        }

        return joined;

        (int, int, long) WithWholeLength((int First, int Count) located)
        {
            long total = 0;
            for (int i = located.First; i < located.First + located.Count; i++)
            {
                total += fragments[i].Length;
            }

            return (located.First, located.Count, total);
        }
    }

    /// <summary>
    /// PS3.3 C.7.6.3.1.8, PS3.5 §A.4: (7FE0,0001) holds, per frame, the 64-bit offset of its first fragment's item
    /// tag from the first fragment's item tag, (7FE0,0002) the frame's length in bytes; the Basic Offset Table is then
    /// empty. A table that does not fit the fragments is an error, not a cue to guess from the fragments: with the
    /// Basic Offset Table empty there is nothing authoritative left to fall back on, and decoding the wrong bytes as
    /// frame N would show an image from another frame without any sign that it is wrong.
    /// </summary>
    private static (int First, int Count, long Length) LocateByExtendedOffsetTable(
        DicomDataset dataset, DicomElement table, DicomFragmentSequence pixels, int frame, int frameCount)
    {
        ReadOnlySpan<byte> offsets = table.Value.Span;
        if (offsets.Length % 8 != 0 || offsets.Length / 8 != frameCount)
        {
            throw DicomException.At(table.Offset, ImageTags.ExtendedOffsetTable,
                $"Extended Offset Table of {offsets.Length} bytes does not hold one 64-bit offset for each of the {frameCount} frames");
        }

        ulong start = ReadUInt64(table, offsets, frame);
        ulong end = frame + 1 < frameCount ? ReadUInt64(table, offsets, frame + 1) : ulong.MaxValue;
        if (end <= start)
        {
            throw DicomException.At(table.Offset, ImageTags.ExtendedOffsetTable,
                $"offset {end} of frame {frame + 2} does not come after offset {start} of frame {frame + 1}");
        }

        IReadOnlyList<ReadOnlyMemory<byte>> fragments = pixels.Fragments;
        int first = -1;
        int count = 0;
        long bytes = 0;
        ulong position = 0;
        for (int i = 0; i < fragments.Count && position < end; i++)
        {
            if (position == start)
            {
                first = i;
            }

            if (first >= 0)
            {
                count++;
                bytes += fragments[i].Length;
            }

            position += (ulong)(ItemHeaderLength + fragments[i].Length);
        }

        if (first < 0 || (end != ulong.MaxValue && position != end))
        {
            ulong wrong = first < 0 ? start : end;
            throw DicomException.At(table.Offset, ImageTags.ExtendedOffsetTable,
                $"offset {wrong} of frame {(first < 0 ? frame + 1 : frame + 2)} is not the start of a fragment item (the items span {TotalItemBytes(fragments)} bytes)");
        }

        long length = bytes;
        if (dataset.TryGetElement(ImageTags.ExtendedOffsetTableLengths, out DicomElement? lengths))
        {
            ReadOnlySpan<byte> values = lengths.Value.Span;
            if (values.Length % 8 != 0 || values.Length / 8 != frameCount)
            {
                throw DicomException.At(lengths.Offset, ImageTags.ExtendedOffsetTableLengths,
                    $"Extended Offset Table Lengths of {values.Length} bytes does not hold one 64-bit length for each of the {frameCount} frames");
            }

            // The declared length may leave out the last fragment's padding byte; it may not reach past the fragments.
            ulong declared = ReadUInt64(lengths, values, frame);
            if (declared > (ulong)bytes || declared <= (ulong)(bytes - fragments[first + count - 1].Length))
            {
                throw DicomException.At(lengths.Offset, ImageTags.ExtendedOffsetTableLengths,
                    $"length {declared} of frame {frame + 1} does not fit its {count} fragment(s) of {bytes} bytes");
            }

            length = (long)declared;
        }

        return (first, count, length);
    }

    private static ulong ReadUInt64(DicomElement element, ReadOnlySpan<byte> values, int index) => element.IsBigEndian
        ? BinaryPrimitives.ReadUInt64BigEndian(values[(index * 8)..])
        : BinaryPrimitives.ReadUInt64LittleEndian(values[(index * 8)..]);

    private static long TotalItemBytes(IReadOnlyList<ReadOnlyMemory<byte>> fragments)
    {
        long total = 0;
        foreach (ReadOnlyMemory<byte> fragment in fragments)
        {
            total += ItemHeaderLength + fragment.Length;
        }

        return total;
    }

    private static (int First, int Count) Locate(DicomFragmentSequence pixels, int frame, int frameCount)
    {
        int fragments = pixels.Fragments.Count;
        if (fragments == 0)
        {
            throw DicomException.At(pixels.Offset, DicomTag.PixelData, "encapsulated pixel data has no fragments");
        }

        if (frameCount == 1)
        {
            return (0, fragments);
        }

        if (fragments == frameCount)
        {
            return (frame, 1);
        }

        // PS3.5 §A.4: with more fragments than frames, only the Basic Offset Table says where each frame starts.
        IReadOnlyList<uint> offsets = pixels.GetBasicOffsets();
        if (offsets.Count == 0 && TryLocateByStartOfImage(pixels.Fragments, frame, frameCount) is { } found)
        {
            return found;
        }

        if (offsets.Count != frameCount)
        {
            throw DicomException.At(pixels.Offset, DicomTag.PixelData,
                $"{fragments} fragments for {frameCount} frames and a Basic Offset Table of {offsets.Count} entries: cannot tell where frame {frame + 1} starts");
        }

        long start = offsets[frame];
        long end = frame + 1 < frameCount ? offsets[frame + 1] : long.MaxValue;
        int first = -1;
        int count = 0;
        long position = 0;
        for (int i = 0; i < fragments; i++)
        {
            if (position >= start && position < end)
            {
                if (first < 0)
                {
                    if (position != start)
                    {
                        break;
                    }

                    first = i;
                }

                count++;
            }

            position += ItemHeaderLength + pixels.Fragments[i].Length;
        }

        return first >= 0
            ? (first, count)
            : throw DicomException.At(pixels.Offset, DicomTag.PixelData, $"Basic Offset Table entry {start} for frame {frame + 1} is not the start of a fragment");
    }

    /// <summary>
    /// An empty Basic Offset Table is allowed (PS3.5 §A.4), and every frame starts in a new fragment. A JPEG-family
    /// codestream starts with SOI (FF D8, ITU-T T.81 §B.2.1), so when exactly Number of Frames fragments start with
    /// it, those fragments are where the frames start.
    /// </summary>
    private static (int First, int Count)? TryLocateByStartOfImage(IReadOnlyList<ReadOnlyMemory<byte>> fragments, int frame, int frameCount)
    {
        int starts = 0;
        int first = -1;
        int count = 0;
        for (int i = 0; i < fragments.Count; i++)
        {
            ReadOnlySpan<byte> f = fragments[i].Span;
            if (f.Length >= 2 && f[0] == 0xFF && f[1] == 0xD8)
            {
                starts++;
            }
            else if (i == 0)
            {
                return null;
            }

            if (starts - 1 == frame)
            {
                first = first < 0 ? i : first;
                count++;
            }
        }

        return starts == frameCount && first >= 0 ? (first, count) : null;
    }

    private static long BufferOffset(ReadOnlyMemory<byte> fragment, long fallback) =>
        MemoryMarshal.TryGetArray(fragment, out ArraySegment<byte> segment) ? segment.Offset : fallback;
}
