using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Telemed.Dicom.Tags;

namespace Telemed.Dicom.Imaging.Codecs;

/// <summary>
/// JPEG Lossless, ITU-T T.81 Annex H process 14 (SOF3), the codestream of PS3.5 §A.4.1's transfer syntaxes
/// 1.2.840.10008.1.2.4.57 and .70: precision 2–16, predictors 1–7, point transform, restart intervals, 1–4 components
/// in one interleaved scan or in several. Decodes straight into the native frame (colour-by-pixel, little endian,
/// Bits Allocated per sample); tables live on the stack, so a frame allocates nothing but its output.
/// </summary>
internal static class JpegLosslessDecoder
{
    private const int MaxComponents = 4;

    /// <summary>Whether the codestream's frame header is SOF3 (T.81 Table B.1), walking marker segments from SOI.</summary>
    public static bool IsLossless(ReadOnlySpan<byte> stream)
    {
        int at = 2;
        while (at + 4 <= stream.Length && stream[at] == 0xFF)
        {
            byte marker = stream[at + 1];
            if (marker == 0xFF)
            {
                at++; // T.81 §B.1.1.2: fill bytes before a marker
                continue;
            }

            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return marker == 0xC3;
            }

            if (marker == 0xDA)
            {
                return false;
            }

            at += 2 + ((stream[at + 2] << 8) | stream[at + 3]);
        }

        return false;
    }

    /// <summary>
    /// Decodes the SOF3 codestream <paramref name="stream"/> into <paramref name="destination"/>, which holds
    /// <see cref="JpegFrameExpectation.FrameLength"/> bytes. Broken or unsupported input ends in a
    /// <see cref="DicomException"/> whose offset is <paramref name="fileOffset"/> plus the position in the stream.
    /// </summary>
    public static void Decode(ReadOnlySpan<byte> stream, Span<byte> destination, JpegFrameExpectation expected, long fileOffset)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, expected.FrameLength);
        if (stream.Length < 4 || stream[0] != 0xFF || stream[1] != 0xD8)
        {
            throw DicomException.At(fileOffset, DicomTag.PixelData, "the JPEG frame does not start with SOI (T.81 §B.2.1)");
        }

        var tables = new JpegLosslessHuffmanTables(
            stackalloc ushort[JpegLosslessHuffmanTables.LookupLength],
            stackalloc int[JpegLosslessHuffmanTables.LimitLength],
            stackalloc int[JpegLosslessHuffmanTables.LimitLength],
            stackalloc byte[JpegLosslessHuffmanTables.SymbolLength]);
        Span<int> componentIds = stackalloc int[MaxComponents];
        int definedTables = 0;
        int decodedComponents = 0;
        int restartInterval = 0;
        Frame frame = default;
        int at = 2;
        while (true)
        {
            int markerAt = at;
            int marker = NextMarker(stream, ref at, fileOffset);
            if (marker == 0xD9)
            {
                break; // EOI
            }

            if (marker == -1)
            {
                // A stream cut right after its last scan: T.81 wants EOI, but every sample has been read.
                if (frame.Components > 0 && decodedComponents == (1 << frame.Components) - 1)
                {
                    break;
                }

                throw Corrupt(fileOffset, markerAt, "the JPEG stream ends before its end of image (EOI)");
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue; // T.81 §B.1.1.3: TEM and RSTm stand alone; a stray RST after a scan's last interval carries nothing
            }

            if (marker == 0xD8)
            {
                throw Corrupt(fileOffset, markerAt, "a second JPEG start of image (SOI) inside the frame");
            }

            if (at + 2 > stream.Length)
            {
                throw Corrupt(fileOffset, markerAt, $"the JPEG marker segment FF{marker:X2} is cut short");
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(stream[at..]);
            if (length < 2 || at + length > stream.Length)
            {
                throw Corrupt(fileOffset, markerAt, $"the JPEG marker segment FF{marker:X2} says {length} bytes, the stream has {stream.Length - at}");
            }

            ReadOnlySpan<byte> segment = stream.Slice(at + 2, length - 2);
            long segmentOffset = fileOffset + at + 2;
            at += length;
            switch (marker)
            {
                case 0xC3:
                    if (frame.Components != 0)
                    {
                        throw Corrupt(fileOffset, markerAt, "the JPEG stream has a second frame header (SOF)");
                    }

                    frame = ReadFrameHeader(segment, componentIds, expected, segmentOffset);
                    break;
                case 0xC4:
                    definedTables |= ReadHuffmanTables(segment, tables, segmentOffset);
                    break;
                case 0xDD:
                    // T.81 §B.2.4.4: Ri, the restart interval in MCUs (one sample per scan component here).
                    restartInterval = segment.Length == 2 ? BinaryPrimitives.ReadUInt16BigEndian(segment)
                        : throw Corrupt(fileOffset, markerAt, "the JPEG DRI segment is not 4 bytes long");
                    break;
                case 0xDA:
                    if (frame.Components == 0)
                    {
                        throw Corrupt(fileOffset, markerAt, "the JPEG scan header (SOS) comes before the frame header (SOF3)");
                    }

                    Scan scan = ReadScanHeader(segment, frame, componentIds, definedTables, ref decodedComponents, segmentOffset);
                    at = DecodeScan(stream, at, destination, expected.BitsAllocated, frame, scan, restartInterval, tables, fileOffset);
                    break;
                case 0xDC:
                    throw Corrupt(fileOffset, markerAt, "the JPEG stream gives its line count in a DNL segment, which DICOM does not use (PS3.5 §8.2.1)");
                case 0xCC:
                    throw Corrupt(fileOffset, markerAt, "the JPEG stream is arithmetic-coded, which DICOM does not use (PS3.5 §A.4.1)");
                case >= 0xC0 and <= 0xCF:
                    throw Corrupt(fileOffset, markerAt, $"the JPEG frame header FF{marker:X2} is not lossless process 14 (SOF3)");
                default:
                    break; // APPn, COM, DQT and the like carry nothing the samples depend on
            }
        }

        if (frame.Components == 0 || decodedComponents != (1 << frame.Components) - 1)
        {
            throw Corrupt(fileOffset, at, "the JPEG stream ends before every component has been decoded");
        }

        // The scans wrote native-endian 16-bit samples; the frame is little endian (PS3.5 §8.2.1).
        if (expected.BitsAllocated == 16 && !BitConverter.IsLittleEndian)
        {
            Span<ushort> samples = MemoryMarshal.Cast<byte, ushort>(destination[..expected.FrameLength]);
            BinaryPrimitives.ReverseEndianness(samples, samples);
        }
    }

    /// <summary>
    /// The marker at <paramref name="at"/> (after any fill bytes, T.81 §B.1.1.2), with <paramref name="at"/> moved
    /// past it; -1 at the end of the stream (DICOM pads odd fragments with one zero byte, PS3.5 §8.2).
    /// </summary>
    private static int NextMarker(ReadOnlySpan<byte> stream, ref int at, long fileOffset)
    {
        while (at < stream.Length && stream[at] == 0xFF && at + 1 < stream.Length && stream[at + 1] == 0xFF)
        {
            at++;
        }

        if (at + 1 >= stream.Length || (stream[at] == 0x00 && at + 2 >= stream.Length))
        {
            return -1;
        }

        if (stream[at] != 0xFF || stream[at + 1] == 0x00)
        {
            throw Corrupt(fileOffset, at, $"expected a JPEG marker, found byte {stream[at]:X2}");
        }

        at += 2;
        return stream[at - 1];
    }

    /// <summary>T.81 §B.2.2: P, Y, X, Nf and Nf × (Ci, Hi/Vi, Tqi), checked against the data set.</summary>
    private static Frame ReadFrameHeader(ReadOnlySpan<byte> segment, Span<int> componentIds, JpegFrameExpectation expected, long offset)
    {
        if (segment.Length < 6 || segment.Length != 6 + (3 * segment[5]))
        {
            throw DicomException.At(offset, DicomTag.PixelData, "the JPEG frame header (SOF3) has the wrong length for its component count");
        }

        int precision = segment[0];
        int rows = BinaryPrimitives.ReadUInt16BigEndian(segment[1..]);
        int columns = BinaryPrimitives.ReadUInt16BigEndian(segment[3..]);
        int components = segment[5];
        string? problem = null;
        if (rows == 0 || columns == 0)
        {
            // T.81 §B.2.5: Y = 0 means a DNL segment gives the lines later; DICOM's JPEG frames do not use it.
            problem = $"the JPEG frame is {columns} × {rows}; empty frames and line counts deferred to DNL are not supported";
        }
        else if (columns != expected.Columns || rows != expected.Rows)
        {
            problem = $"the JPEG frame is {columns} × {rows}, the data set says Columns {expected.Columns} × Rows {expected.Rows}";
        }
        else if (components != expected.SamplesPerPixel || components is 0 or > MaxComponents)
        {
            problem = $"the JPEG frame has {components} component(s), Samples per Pixel is {expected.SamplesPerPixel}";
        }
        else if (precision is < 2 or > 16 || precision > expected.BitsAllocated || expected.BitsAllocated is not (8 or 16))
        {
            problem = $"JPEG sample precision {precision} does not fit Bits Allocated {expected.BitsAllocated}";
        }

        for (int c = 0; problem is null && c < components; c++)
        {
            componentIds[c] = segment[6 + (3 * c)];
            if (segment[7 + (3 * c)] != 0x11)
            {
                // DICOM's lossless frames are full resolution; subsampled components would need upsampling rules T.81 leaves open.
                problem = $"JPEG component {componentIds[c]} has sampling factors {segment[7 + (3 * c)] >> 4}×{segment[7 + (3 * c)] & 0x0F}; only 1×1 is supported for lossless";
            }
            else if (componentIds[..c].Contains(componentIds[c]))
            {
                problem = $"JPEG component identifier {componentIds[c]} appears twice in the frame header";
            }
        }

        if (problem is not null)
        {
            throw DicomException.At(offset, DicomTag.PixelData, problem);
        }

        // The sample count equals the data set's, which the caller sized the destination for.
        return new Frame(precision, rows, columns, components);
    }

    /// <summary>T.81 §B.2.4.2: one or more tables, each Tc/Th, 16 code counts and the symbols. Returns the defined slots.</summary>
    private static int ReadHuffmanTables(ReadOnlySpan<byte> segment, JpegLosslessHuffmanTables tables, long offset)
    {
        int defined = 0;
        int at = 0;
        while (at < segment.Length)
        {
            if (at + 17 > segment.Length)
            {
                throw DicomException.At(offset + at, DicomTag.PixelData, "a JPEG Huffman table (DHT) is cut short");
            }

            int tableClass = segment[at] >> 4;
            int slot = segment[at] & 0x0F;
            ReadOnlySpan<byte> counts = segment.Slice(at + 1, 16);
            int total = 0;
            foreach (byte count in counts)
            {
                total += count;
            }

            if (tableClass > 1 || slot > 3 || total > JpegLosslessHuffmanTables.SymbolSlots || at + 17 + total > segment.Length)
            {
                throw DicomException.At(offset + at, DicomTag.PixelData, $"a JPEG Huffman table (DHT) is invalid: class {tableClass}, slot {slot}, {total} symbols");
            }

            // T.81 §H.2.2: lossless scans use only the DC-class tables; an AC-class one is read past.
            if (tableClass == 0)
            {
                tables.Define(slot, counts, segment.Slice(at + 17, total), offset + at);
                defined |= 1 << slot;
            }

            at += 17 + total;
        }

        return defined;
    }

    /// <summary>T.81 §B.2.3: Ns × (Cs, Td/Ta), Ss (the predictor, Table H.1), Se, Ah/Al (Al is the point transform).</summary>
    private static Scan ReadScanHeader(ReadOnlySpan<byte> segment, Frame frame, ReadOnlySpan<int> componentIds, int definedTables, ref int decodedComponents, long offset)
    {
        int count = segment.Length == 0 ? 0 : segment[0];
        if (count is 0 or > MaxComponents || segment.Length != 4 + (2 * count))
        {
            throw DicomException.At(offset, DicomTag.PixelData, "the JPEG scan header (SOS) has the wrong length for its component count");
        }

        Scan scan = default;
        scan.Count = count;
        for (int s = 0; s < count; s++)
        {
            int index = componentIds[..frame.Components].IndexOf(segment[1 + (2 * s)]);
            int table = segment[2 + (2 * s)] >> 4;
            if (index < 0 || (decodedComponents & (1 << index)) != 0)
            {
                throw DicomException.At(offset, DicomTag.PixelData, $"the JPEG scan codes component {segment[1 + (2 * s)]}, which the frame lacks or an earlier scan coded");
            }

            if (table > 3 || (definedTables & (1 << table)) == 0)
            {
                throw DicomException.At(offset, DicomTag.PixelData, $"the JPEG scan uses Huffman table {table}, which no DHT segment defined");
            }

            decodedComponents |= 1 << index;
            scan.SetComponent(s, index, table);
        }

        scan.Predictor = segment[1 + (2 * count)];
        scan.PointTransform = segment[3 + (2 * count)] & 0x0F;
        if (scan.Predictor is < 1 or > 7)
        {
            // Table H.1: selection value 0 (no prediction) is for the hierarchical mode only.
            throw DicomException.At(offset, DicomTag.PixelData, $"JPEG lossless predictor {scan.Predictor} is not one of 1–7 (T.81 Table H.1)");
        }

        if (scan.PointTransform >= frame.Precision)
        {
            throw DicomException.At(offset, DicomTag.PixelData, $"JPEG point transform {scan.PointTransform} leaves nothing of precision {frame.Precision}");
        }

        return scan;
    }

    /// <summary>Decodes one scan's entropy-coded segments; returns the position of the marker that follows them.</summary>
    private static int DecodeScan(ReadOnlySpan<byte> stream, int start, Span<byte> destination, int bitsAllocated, Frame frame, Scan scan,
        int restartInterval, JpegLosslessHuffmanTables tables, long fileOffset)
    {
        int restartLines = 0;
        if (restartInterval != 0)
        {
            // The IJG lossless decoder, and with it dcmdjpeg, restarts only at line starts (T.81 §H.1.2.1 resets the
            // prediction "at the start of a line"); an interval ending mid-line has no agreed meaning.
            if (restartInterval % frame.Columns != 0)
            {
                throw Corrupt(fileOffset, start, $"JPEG restart interval {restartInterval} is not a whole number of {frame.Columns}-sample lines");
            }

            restartLines = restartInterval / frame.Columns;
        }

        var reader = new BitReader(stream, start, fileOffset);
        if (bitsAllocated == 8)
        {
            DecodeSamples(ref reader, destination, frame, scan, restartLines, tables);
        }
        else
        {
            DecodeSamples(ref reader, MemoryMarshal.Cast<byte, ushort>(destination), frame, scan, restartLines, tables);
        }

        reader.CheckNotOverrun();
        return reader.EndOfSegment();
    }

    private static void DecodeSamples<TSample>(ref BitReader reader, Span<TSample> samples, Frame frame, Scan scan, int restartLines, JpegLosslessHuffmanTables tables)
        where TSample : unmanaged, IBinaryInteger<TSample>
    {
        int stride = frame.Components;
        int lineLength = frame.Columns * stride;
        // T.81 §H.1.2.1: the first sample of a scan, and of each restart interval, is predicted from 2^(P − Pt − 1).
        int initial = 1 << (frame.Precision - scan.PointTransform - 1);
        int restart = 0;
        int linesToRestart = restartLines;
        samples = samples[..(lineLength * frame.Rows)];
        bool firstLine = true;
        for (int y = 0; y < frame.Rows; y++)
        {
            if (restartLines != 0)
            {
                if (linesToRestart == 0)
                {
                    reader.Restart(restart);
                    restart = (restart + 1) & 7;
                    linesToRestart = restartLines;
                    firstLine = true;
                }

                linesToRestart--;
            }

            Span<TSample> line = samples.Slice(y * lineLength, lineLength);
            ReadOnlySpan<TSample> above = firstLine ? line : samples.Slice((y - 1) * lineLength, lineLength);
            if (scan.Count == 1)
            {
                DecodeLine(ref reader, line, above, stride, scan.Component0, scan.Table0, scan.Predictor, firstLine, initial, tables);
            }
            else
            {
                DecodeInterleavedLine(ref reader, line, above, stride, scan, firstLine, initial, tables);
            }

            firstLine = false;
        }

        if (scan.PointTransform != 0)
        {
            // T.81 §H.1.2.1: the decoder's output is the reconstructed value shifted left by Pt.
            for (int s = 0; s < scan.Count; s++)
            {
                for (int i = scan.ComponentAt(s); i < samples.Length; i += stride)
                {
                    samples[i] = TSample.CreateTruncating((int.CreateTruncating(samples[i]) << scan.PointTransform) & 0xFFFF);
                }
            }
        }
    }

    /// <summary>One line of one component, which a scan codes alone (or the only component of the frame).</summary>
    private static void DecodeLine<TSample>(ref BitReader reader, Span<TSample> line, ReadOnlySpan<TSample> above, int stride, int component, int table,
        int predictor, bool firstLine, int initial, JpegLosslessHuffmanTables tables)
        where TSample : unmanaged, IBinaryInteger<TSample>
    {
        int first = firstLine ? initial : int.CreateTruncating(above[component]);
        line[component] = TSample.CreateTruncating((first + reader.DecodeDifference(tables, table)) & 0xFFFF);
        if (firstLine)
        {
            // The first line predicts from the left neighbour only (predictor 1).
            for (int i = component + stride; i < line.Length; i += stride)
            {
                int left = int.CreateTruncating(line[i - stride]);
                line[i] = TSample.CreateTruncating((left + reader.DecodeDifference(tables, table)) & 0xFFFF);
            }

            return;
        }

        for (int i = component + stride; i < line.Length; i += stride)
        {
            int prediction = Predict(predictor, int.CreateTruncating(line[i - stride]), int.CreateTruncating(above[i]), int.CreateTruncating(above[i - stride]));
            line[i] = TSample.CreateTruncating((prediction + reader.DecodeDifference(tables, table)) & 0xFFFF);
        }
    }

    /// <summary>One line of an interleaved scan: each MCU is one sample of every scan component in scan order (T.81 §H.2).</summary>
    private static void DecodeInterleavedLine<TSample>(ref BitReader reader, Span<TSample> line, ReadOnlySpan<TSample> above, int stride, Scan scan,
        bool firstLine, int initial, JpegLosslessHuffmanTables tables)
        where TSample : unmanaged, IBinaryInteger<TSample>
    {
        for (int s = 0; s < scan.Count; s++)
        {
            int c = scan.ComponentAt(s);
            int first = firstLine ? initial : int.CreateTruncating(above[c]);
            line[c] = TSample.CreateTruncating((first + reader.DecodeDifference(tables, scan.TableAt(s))) & 0xFFFF);
        }

        for (int x = stride; x < line.Length; x += stride)
        {
            for (int s = 0; s < scan.Count; s++)
            {
                int i = x + scan.ComponentAt(s);
                int left = int.CreateTruncating(line[i - stride]);
                int prediction = firstLine ? left : Predict(scan.Predictor, left, int.CreateTruncating(above[i]), int.CreateTruncating(above[i - stride]));
                line[i] = TSample.CreateTruncating((prediction + reader.DecodeDifference(tables, scan.TableAt(s))) & 0xFFFF);
            }
        }
    }

    /// <summary>
    /// T.81 Table H.1, Ra left, Rb above, Rc above-left. Samples are unsigned (0 .. 2^16 − 1) and the arithmetic is
    /// 32-bit, so the halved differences of predictors 5–7 are exact at 16 bits; the sum with the difference is then
    /// taken modulo 2^16 (T.81 §H.1.2.1), as the IJG decoder dcmdjpeg uses does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Predict(int predictor, int ra, int rb, int rc) => predictor switch
    {
        1 => ra,
        2 => rb,
        3 => rc,
        4 => ra + rb - rc,
        5 => ra + ((rb - rc) >> 1),
        6 => rb + ((ra - rc) >> 1),
        _ => (ra + rb) >> 1,
    };

    private static DicomException Corrupt(long fileOffset, int position, string problem) =>
        DicomException.At(fileOffset + position, DicomTag.PixelData, $"{problem} (byte {position} of the JPEG frame)");

    private readonly record struct Frame(int Precision, int Rows, int Columns, int Components);

    /// <summary>Up to four (frame component index, Huffman table) pairs, in scan order, without an array.</summary>
    private struct Scan
    {
        public int Count;
        public int Predictor;
        public int PointTransform;
        public int Component0;
        public int Table0;
        private int components;
        private int tableSlots;

        public readonly int ComponentAt(int s) => (components >> (4 * s)) & 0xF;

        public readonly int TableAt(int s) => (tableSlots >> (4 * s)) & 0xF;

        public void SetComponent(int s, int component, int table)
        {
            components |= component << (4 * s);
            tableSlots |= table << (4 * s);
            if (s == 0)
            {
                Component0 = component;
                Table0 = table;
            }
        }
    }

    /// <summary>
    /// Entropy-coded segment reader (T.81 §F.2.2.5): a 64-bit buffer refilled eight bytes at a time where no 0xFF
    /// is near, byte by byte (dropping stuffed zeros, stopping at a marker) where one is. Past a marker it feeds
    /// zeros, counted, so that a cut segment is reported once a sample uses them rather than read out of bounds.
    /// </summary>
    private ref struct BitReader(ReadOnlySpan<byte> data, int position, long fileOffset)
    {
        private readonly ReadOnlySpan<byte> data = data;
        private readonly long fileOffset = fileOffset;
        private int position = position;
        private ulong bits;
        private int count;
        private int zerosFed;

        /// <summary>One difference: the SSSS code (T.81 §F.2.2.3), then SSSS bits extended to a signed value (§F.2.2.1, §H.1.2.2).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int DecodeDifference(JpegLosslessHuffmanTables tables, int table)
        {
            if (count < 32)
            {
                Fill();
            }

            int entry = tables.Lookup[(table << JpegLosslessHuffmanTables.LookaheadBits) + (int)(bits >> (64 - JpegLosslessHuffmanTables.LookaheadBits))];
            int ssss;
            if (entry != 0)
            {
                int length = entry >> 8;
                bits <<= length;
                count -= length;
                ssss = entry & 0xFF;
            }
            else
            {
                ssss = DecodeLong(tables, table);
            }

            if (ssss == 0)
            {
                return 0;
            }

            if (ssss == 16)
            {
                // T.81 §H.1.2.2: SSSS 16 has no additional bits; the difference is 32768.
                return 32768;
            }

            int value = (int)(bits >> (64 - ssss));
            bits <<= ssss;
            count -= ssss;
            return value < (1 << (ssss - 1)) ? value - (1 << ssss) + 1 : value;
        }

        /// <summary>Fails if the segment ended before the samples did: a sample used a fed zero.</summary>
        public readonly void CheckNotOverrun()
        {
            if (zerosFed * 8 > count)
            {
                throw Corrupt(fileOffset, position, "the JPEG entropy-coded data ends before the scan's last sample");
            }
        }

        /// <summary>T.81 §F.2.2.5 and §H.2: at the interval's end, the bit buffer is dropped and RSTm must follow.</summary>
        public void Restart(int expected)
        {
            CheckNotOverrun();
            int at = EndOfSegment();
            if (at + 1 >= data.Length || data[at + 1] != 0xD0 + expected)
            {
                string found = at + 1 < data.Length ? $"FF{data[at + 1]:X2}" : "the end of the stream";
                throw Corrupt(fileOffset, at, $"expected JPEG restart marker RST{expected}, found {found}");
            }

            position = at + 2;
            bits = 0;
            count = 0;
            zerosFed = 0;
        }

        /// <summary>Where the marker after the current entropy-coded segment starts (fill 0xFF bytes skipped).</summary>
        public readonly int EndOfSegment()
        {
            int at = position;
            while (at + 1 < data.Length && !(data[at] == 0xFF && data[at + 1] is not 0x00 and not 0xFF))
            {
                at++;
            }

            return at + 1 < data.Length ? at : data.Length;
        }

        private int DecodeLong(JpegLosslessHuffmanTables tables, int table)
        {
            (int length, int symbol) = tables.DecodeLong(table, bits);
            if (length == 0)
            {
                ThrowBadCode();
            }

            bits <<= length;
            count -= length;
            return symbol;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void Fill()
        {
            if (position + 8 <= data.Length)
            {
                ulong word = BinaryPrimitives.ReadUInt64BigEndian(data[position..]);
                ulong inverted = ~word;
                // A zero byte of ~word is a 0xFF byte of word (the classic has-zero-byte test).
                if (((inverted - 0x0101010101010101UL) & word & 0x8080808080808080UL) == 0)
                {
                    int take = (64 - count) >> 3;
                    bits |= (word >> (64 - (8 * take))) << (64 - count - (8 * take));
                    count += 8 * take;
                    position += take;
                    return;
                }
            }

            while (count <= 56)
            {
                ulong next = 0;
                if (position < data.Length && data[position] != 0xFF)
                {
                    next = data[position++];
                }
                else if (position + 1 < data.Length && data[position + 1] == 0x00)
                {
                    next = 0xFF; // T.81 §F.1.2.3: a coded 0xFF is followed by a stuffed zero byte
                    position += 2;
                }
                else
                {
                    zerosFed++; // a marker or the end: the segment is over
                }

                bits |= next << (56 - count);
                count += 8;
            }
        }

        [DoesNotReturn]
        private readonly void ThrowBadCode() =>
            throw Corrupt(fileOffset, position, "the JPEG entropy-coded data holds a bit pattern that is no code of its Huffman table");
    }
}
