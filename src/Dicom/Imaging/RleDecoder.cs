using System.Buffers.Binary;
using Telemed.Dicom.Tags;

namespace Telemed.Dicom.Imaging;

/// <summary>
/// RLE Lossless decoding (PS3.5 Annex G): a 64-byte header of segment count and offsets, then one PackBits-coded
/// segment per byte plane. Every count and offset is checked against the encoded length before use.
/// </summary>
public static class RleDecoder
{
    private const int HeaderLength = 64;

    /// <summary>
    /// Decodes one frame. <paramref name="fileOffset"/> is where <paramref name="encoded"/> starts in the file, so
    /// errors name the byte a reader can find with a hex dump.
    /// </summary>
    public static void Decode(ReadOnlySpan<byte> encoded, Span<byte> destination, RleFrameLayout layout, long fileOffset = 0)
    {
        layout.Validate();
        if (destination.Length < layout.FrameLength)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes, the frame has {layout.FrameLength}", nameof(destination));
        }

        if (encoded.Length < HeaderLength)
        {
            throw At(fileOffset, $"RLE frame of {encoded.Length} bytes is shorter than its 64-byte header (PS3.5 G.5)");
        }

        uint segments = BinaryPrimitives.ReadUInt32LittleEndian(encoded);
        if (segments != layout.SegmentCount)
        {
            throw At(fileOffset, $"RLE header declares {segments} segment(s); {layout.SamplesPerPixel} sample(s) of {layout.BitsAllocated} bits need {layout.SegmentCount} (PS3.5 G.2)");
        }

        Span<int> offsets = stackalloc int[16];
        for (int i = 0; i < layout.SegmentCount; i++)
        {
            uint offset = BinaryPrimitives.ReadUInt32LittleEndian(encoded[(4 + (4 * i))..]);
            int previous = i == 0 ? HeaderLength - 1 : offsets[i - 1];
            if (offset < HeaderLength || offset >= encoded.Length || offset <= previous)
            {
                throw At(fileOffset + 4 + (4 * i), $"RLE segment {i + 1} offset {offset} is outside {HeaderLength}..{encoded.Length - 1} or not after the previous segment (PS3.5 G.5)");
            }

            offsets[i] = (int)offset;
        }

        for (int i = 0; i < layout.SegmentCount; i++)
        {
            int end = i + 1 < layout.SegmentCount ? offsets[i + 1] : encoded.Length;
            (int start, int stride) = layout.Placement(i);
            DecodeSegment(encoded[offsets[i]..end], destination[start..], stride, layout.Pixels, fileOffset + offsets[i], i + 1);
        }
    }

    /// <summary>
    /// PS3.5 G.3.2 (PackBits): a header byte n of 0..127 copies the next n + 1 bytes, −127..−1 repeats the next byte
    /// 1 − n times, −128 does nothing. Output beyond the plane (an encoder's padding) is dropped; a short plane is an error.
    /// </summary>
    private static void DecodeSegment(ReadOnlySpan<byte> segment, Span<byte> destination, int stride, int count, long fileOffset, int number)
    {
        int produced = 0;
        int at = 0;
        while (produced < count && at < segment.Length)
        {
            int header = (sbyte)segment[at++];
            if (header >= 0)
            {
                int run = header + 1;
                if (run > segment.Length - at)
                {
                    throw At(fileOffset + at - 1, $"RLE segment {number}: literal run of {run} byte(s) but {segment.Length - at} remain");
                }

                int take = Math.Min(run, count - produced);
                if (stride == 1)
                {
                    segment.Slice(at, take).CopyTo(destination.Slice(produced, take));
                }
                else
                {
                    for (int k = 0; k < take; k++)
                    {
                        destination[(produced + k) * stride] = segment[at + k];
                    }
                }

                produced += take;
                at += run;
            }
            else if (header != -128)
            {
                if (at >= segment.Length)
                {
                    throw At(fileOffset + at - 1, $"RLE segment {number}: replicate run without its byte");
                }

                byte value = segment[at++];
                int take = Math.Min(1 - header, count - produced);
                if (stride == 1)
                {
                    destination.Slice(produced, take).Fill(value);
                }
                else
                {
                    for (int k = 0; k < take; k++)
                    {
                        destination[(produced + k) * stride] = value;
                    }
                }

                produced += take;
            }
        }

        if (produced < count)
        {
            throw At(fileOffset, $"RLE segment {number} decodes to {produced} byte(s), the frame needs {count} (PS3.5 G.3.1)");
        }
    }

    private static DicomException At(long offset, string message) => DicomException.At(offset, DicomTag.PixelData, message);
}
