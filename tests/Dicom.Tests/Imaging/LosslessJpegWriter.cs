namespace Telemed.Dicom.Tests.Imaging;

/// <summary>What <see cref="LosslessJpegWriter"/> writes: the process 14 options dcmcjpeg has no switch for.</summary>
internal sealed record LosslessJpegOptions(int Precision, int Predictor, int PointTransform = 0, int RestartLines = 0, bool Interleaved = true);

/// <summary>
/// A test-only ITU-T T.81 process 14 encoder (SOF3), written from the standard to give the decoder what dcmcjpeg
/// cannot: restart intervals (§B.2.4.4), one scan per component, four components, and two Huffman tables, one
/// with codes up to 16 bits long (beyond the decoder's look-up table). Samples are colour-by-pixel.
/// </summary>
internal static class LosslessJpegWriter
{
    // Table 0: SSSS 0–2 get 2-bit codes, SSSS 3–16 one code each of 3–16 bits (T.81 Annex C: all-ones codes left out).
    private static readonly byte[] LongCounts = [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];

    // Table 1: all 17 SSSS values with 5-bit codes.
    private static readonly byte[] FlatCounts = [0, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private static readonly byte[] Symbols = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

    public static byte[] Encode(ushort[] samples, int rows, int columns, int components, LosslessJpegOptions options)
    {
        var output = new List<byte> { 0xFF, 0xD8 };
        var frame = new List<byte> { (byte)options.Precision, (byte)(rows >> 8), (byte)rows, (byte)(columns >> 8), (byte)columns, (byte)components };
        for (int c = 0; c < components; c++)
        {
            frame.AddRange([(byte)(c + 1), 0x11, 0]);
        }

        Segment(output, 0xC3, frame);
        Segment(output, 0xC4, [0x00, .. LongCounts, .. Symbols, 0x01, .. FlatCounts, .. Symbols]);
        if (options.RestartLines > 0)
        {
            int interval = options.RestartLines * columns;
            Segment(output, 0xDD, [(byte)(interval >> 8), (byte)interval]);
        }

        (int Length, int Code)[][] tables = [Codes(LongCounts), Codes(FlatCounts)];
        int[][] scans = options.Interleaved ? [[.. Enumerable.Range(0, components)]] : [.. Enumerable.Range(0, components).Select(c => new[] { c })];
        foreach (int[] scan in scans)
        {
            var header = new List<byte> { (byte)scan.Length };
            foreach (int c in scan)
            {
                header.AddRange([(byte)(c + 1), (byte)((c % 2) << 4)]);
            }

            header.AddRange([(byte)options.Predictor, 0, (byte)options.PointTransform]);
            Segment(output, 0xDA, header);
            EncodeScan(output, samples, rows, columns, components, scan, tables, options);
        }

        output.AddRange([0xFF, 0xD9]);
        return [.. output];
    }

    private static void EncodeScan(List<byte> output, ushort[] samples, int rows, int columns, int components, int[] scan,
        (int Length, int Code)[][] tables, LosslessJpegOptions options)
    {
        var bits = new BitWriter(output);
        int restart = 0;
        int Sample(int y, int x, int c) => samples[(((y * columns) + x) * components) + c] >> options.PointTransform;
        int firstLineOfInterval = 0;
        for (int y = 0; y < rows; y++)
        {
            if (options.RestartLines > 0 && y > 0 && y % options.RestartLines == 0)
            {
                bits.Flush();
                output.AddRange([0xFF, (byte)(0xD0 + restart)]);
                restart = (restart + 1) & 7;
                firstLineOfInterval = y;
            }

            for (int x = 0; x < columns; x++)
            {
                foreach (int c in scan)
                {
                    int prediction;
                    if (x == 0)
                    {
                        prediction = y == firstLineOfInterval ? 1 << (options.Precision - options.PointTransform - 1) : Sample(y - 1, 0, c);
                    }
                    else if (y == firstLineOfInterval)
                    {
                        prediction = Sample(y, x - 1, c);
                    }
                    else
                    {
                        int ra = Sample(y, x - 1, c);
                        int rb = Sample(y - 1, x, c);
                        int rc = Sample(y - 1, x - 1, c);
                        prediction = options.Predictor switch
                        {
                            1 => ra,
                            2 => rb,
                            3 => rc,
                            4 => ra + rb - rc,
                            5 => ra + ((rb - rc) >> 1),
                            6 => rb + ((ra - rc) >> 1),
                            _ => (ra + rb) >> 1,
                        };
                    }

                    // T.81 §H.1.2.2: the difference modulo 2^16, coded in -32767 .. 32768 (32768 as SSSS 16 alone).
                    int difference = (Sample(y, x, c) - prediction) & 0xFFFF;
                    difference = difference > 32768 ? difference - 65536 : difference;
                    int ssss = difference == 32768 ? 16 : 32 - int.LeadingZeroCount(Math.Abs(difference));
                    (int length, int code) = tables[c % 2][ssss];
                    bits.Write(code, length);
                    if (ssss is > 0 and < 16)
                    {
                        bits.Write(difference > 0 ? difference : difference + (1 << ssss) - 1, ssss);
                    }
                }
            }
        }

        bits.Flush();
    }

    /// <summary>T.81 Annex C: code lengths in order, codes counting up within a length and doubling between lengths.</summary>
    private static (int Length, int Code)[] Codes(byte[] counts)
    {
        var codes = new (int, int)[17];
        int code = 0;
        int symbol = 0;
        for (int length = 1; length <= 16; length++, code <<= 1)
        {
            for (int i = 0; i < counts[length - 1]; i++)
            {
                codes[Symbols[symbol++]] = (length, code++);
            }
        }

        return codes;
    }

    private static void Segment(List<byte> output, byte marker, List<byte> body)
    {
        int length = body.Count + 2;
        output.AddRange([0xFF, marker, (byte)(length >> 8), (byte)length]);
        output.AddRange(body);
    }

    /// <summary>Most significant bit first, a zero byte stuffed after every 0xFF (T.81 §F.1.2.3), padded with ones.</summary>
    private sealed class BitWriter(List<byte> output)
    {
        private int buffer;
        private int count;

        public void Write(int value, int length)
        {
            for (int i = length - 1; i >= 0; i--)
            {
                buffer = (buffer << 1) | ((value >> i) & 1);
                if (++count == 8)
                {
                    Emit();
                }
            }
        }

        public void Flush()
        {
            while (count != 0)
            {
                Write(1, 1);
            }
        }

        private void Emit()
        {
            output.Add((byte)buffer);
            if (buffer == 0xFF)
            {
                output.Add(0);
            }

            buffer = 0;
            count = 0;
        }
    }
}
