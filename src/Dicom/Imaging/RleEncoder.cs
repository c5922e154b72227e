using System.Buffers;
using System.Buffers.Binary;

namespace Telemed.Dicom.Imaging;

/// <summary>
/// RLE Lossless encoding (PS3.5 Annex G), the inverse of <see cref="RleDecoder"/>: a native little-endian frame laid
/// out as <see cref="RleFrameLayout"/> says becomes a 64-byte header and one PackBits segment per byte plane, most
/// significant byte of the first sample first (G.2), each row coded on its own (G.3.1) and each segment of even length
/// (G.5). Writes only into the caller's memory.
/// </summary>
public static class RleEncoder
{
    private const int HeaderLength = 64;
    private const int MaxRun = 128;

    /// <summary>PS3.5 G.3.2: −128 is a no-op for decoders; it pads an odd segment to even length.</summary>
    private const byte NoOp = 0x80;

    /// <summary>
    /// The most bytes a frame of this layout can encode to: the header, plus per row the row and one literal header
    /// per 128 bytes, plus one padding byte per segment.
    /// </summary>
    public static int MaxEncodedLength(RleFrameLayout layout)
    {
        layout.Validate();
        long row = layout.Columns + ((layout.Columns + MaxRun - 1) / MaxRun);
        long total = HeaderLength + (layout.SegmentCount * ((row * layout.Rows) + 1));
        return total <= Array.MaxLength
            ? (int)total
            : throw new DicomException($"an RLE frame of {layout.Rows} × {layout.Columns} could exceed {Array.MaxLength} bytes");
    }

    /// <summary>
    /// Encodes one frame into <paramref name="destination"/> (at least <see cref="MaxEncodedLength"/> bytes) and
    /// returns the number of bytes written, always even.
    /// </summary>
    public static int Encode(ReadOnlySpan<byte> frame, RleFrameLayout layout, Span<byte> destination)
    {
        int max = MaxEncodedLength(layout);
        if (frame.Length < layout.FrameLength)
        {
            throw new ArgumentException($"frame holds {frame.Length} bytes, the layout needs {layout.FrameLength}", nameof(frame));
        }

        if (destination.Length < max)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes, encoding may need {max}", nameof(destination));
        }

        // PS3.5 G.5: segment count, then 15 offsets; unused offsets are zero.
        destination[..HeaderLength].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)layout.SegmentCount);
        int at = HeaderLength;
        for (int segment = 0; segment < layout.SegmentCount; segment++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[(4 + (4 * segment))..], (uint)at);
            (int start, int stride) = layout.Placement(segment);
            int segmentStart = at;
            for (int row = 0; row < layout.Rows; row++)
            {
                at += EncodeRow(frame, start + (row * layout.Columns * stride), stride, layout.Columns, destination[at..]);
            }

            if ((at - segmentStart) % 2 != 0)
            {
                destination[at++] = NoOp;
            }
        }

        return at;
    }

    /// <summary>Encodes one frame into <paramref name="writer"/>; returns the number of bytes written.</summary>
    public static int Encode(ReadOnlySpan<byte> frame, RleFrameLayout layout, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int written = Encode(frame, layout, writer.GetSpan(MaxEncodedLength(layout)));
        writer.Advance(written);
        return written;
    }

    /// <summary>
    /// PackBits over one row of one byte plane (PS3.5 G.3.1): runs of three or more equal bytes are replicate runs,
    /// a pair is a replicate run unless it would split a literal run (the standard's note), everything else gathers
    /// into literal runs of up to 128 bytes.
    /// </summary>
    private static int EncodeRow(ReadOnlySpan<byte> frame, int first, int stride, int count, Span<byte> destination)
    {
        int at = 0;
        int literalStart = 0;
        int literalLength = 0;
        int i = 0;
        while (i < count)
        {
            byte value = frame[first + (i * stride)];
            int run = 1;
            while (i + run < count && run < MaxRun && frame[first + ((i + run) * stride)] == value)
            {
                run++;
            }

            if (run >= 3 || (run == 2 && literalLength == 0))
            {
                at += FlushLiteral(frame, first, stride, literalStart, literalLength, destination[at..]);
                literalLength = 0;
                destination[at++] = (byte)(sbyte)(1 - run);
                destination[at++] = value;
                i += run;
                continue;
            }

            if (literalLength == 0)
            {
                literalStart = i;
            }

            literalLength += run;
            i += run;
            if (literalLength >= MaxRun)
            {
                at += FlushLiteral(frame, first, stride, literalStart, MaxRun, destination[at..]);
                literalStart += MaxRun;
                literalLength -= MaxRun;
            }
        }

        return at + FlushLiteral(frame, first, stride, literalStart, literalLength, destination[at..]);
    }

    private static int FlushLiteral(ReadOnlySpan<byte> frame, int first, int stride, int start, int length, Span<byte> destination)
    {
        if (length == 0)
        {
            return 0;
        }

        destination[0] = (byte)(length - 1);
        if (stride == 1)
        {
            frame.Slice(first + start, length).CopyTo(destination[1..]);
        }
        else
        {
            for (int k = 0; k < length; k++)
            {
                destination[1 + k] = frame[first + ((start + k) * stride)];
            }
        }

        return length + 1;
    }
}
