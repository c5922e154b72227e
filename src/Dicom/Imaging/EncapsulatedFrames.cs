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
    /// <paramref name="fileOffset"/> is where the frame's first byte sits in the parsed buffer.
    /// </summary>
    public static ReadOnlyMemory<byte> Get(DicomFragmentSequence pixels, int frame, int frameCount, out long fileOffset)
    {
        IReadOnlyList<ReadOnlyMemory<byte>> fragments = pixels.Fragments;
        (int first, int count) = Locate(pixels, frame, frameCount);
        fileOffset = BufferOffset(fragments[first], pixels.Offset);
        if (count == 1)
        {
            return fragments[first];
        }

        int length = 0;
        for (int i = first; i < first + count; i++)
        {
            length += fragments[i].Length;
        }

        byte[] joined = new byte[length];
        int at = 0;
        for (int i = first; i < first + count; i++)
        {
            fragments[i].Span.CopyTo(joined.AsSpan(at));
            at += fragments[i].Length;
        }

        return joined;
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
