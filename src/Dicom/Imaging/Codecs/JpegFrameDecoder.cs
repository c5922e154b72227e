using JpegLibrary;
using Telemed.Dicom.Tags;

namespace Telemed.Dicom.Imaging.Codecs;

/// <summary>
/// Decodes one frame of JPEG-encapsulated pixel data (PS3.5 §A.4.1, §8.2.1: ITU-T T.81 processes 1, 2/4 and 14) into
/// the layout native pixel data has: colour-by-pixel, little endian, Bits Allocated per sample. Process 14 goes to
/// <see cref="JpegLosslessDecoder"/>, the DCT processes to JpegLibrary.
/// </summary>
internal static class JpegFrameDecoder
{
    /// <summary>JPEG Baseline (Process 1).</summary>
    public const string BaselineUid = "1.2.840.10008.1.2.4.50";

    /// <summary>JPEG Extended (Process 2 and 4).</summary>
    public const string ExtendedUid = "1.2.840.10008.1.2.4.51";

    /// <summary>JPEG Lossless, Non-Hierarchical (Process 14).</summary>
    public const string LosslessUid = "1.2.840.10008.1.2.4.57";

    /// <summary>JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, Selection Value 1).</summary>
    public const string LosslessFirstOrderUid = "1.2.840.10008.1.2.4.70";

    public static bool Handles(string transferSyntaxUid) =>
        transferSyntaxUid is BaselineUid or ExtendedUid or LosslessUid or LosslessFirstOrderUid;

    /// <summary>Lossless transfer syntaxes: the decoded frame must equal the original bit for bit.</summary>
    public static bool IsLossless(string transferSyntaxUid) => transferSyntaxUid is LosslessUid or LosslessFirstOrderUid;

    /// <summary>
    /// Decodes <paramref name="encoded"/> into <paramref name="destination"/> (Rows × Columns × Samples per Pixel
    /// samples of Bits Allocated). When <paramref name="toRgb"/> is set, a three-component lossy frame is converted
    /// from YCbCr to RGB (PS3.5 §8.2.1: YBR_FULL and YBR_FULL_422 say the encoder applied the colour transform).
    /// </summary>
    public static void Decode(ReadOnlyMemory<byte> encoded, byte[] destination, JpegFrameExpectation expected, bool toRgb, long fileOffset)
    {
        // Every process 14 frame goes to our own decoder, not only those JpegLibrary 0.4.32 refuses: it equals
        // dcmdjpeg on every lossless corpus file (the 16-bit predictor 6 ones included) and opened + decoded GH133.dcm
        // in 36 ms against JpegLibrary's 106 ms in the same run (bench/RESULTS.md, "c jpeg"). JpegLibrary keeps the
        // DCT processes.
        if (JpegLosslessDecoder.IsLossless(encoded.Span))
        {
            JpegLosslessDecoder.Decode(encoded.Span, destination, expected, fileOffset);
            return;
        }

        DecodeWithJpegLibrary(encoded, destination, expected, toRgb, fileOffset);
    }

    /// <summary>
    /// <see cref="Decode"/> through JpegLibrary whatever the process: the DCT processes, and lossless frames only for
    /// the benchmark that compares it with <see cref="JpegLosslessDecoder"/> (hence the lossless checks below).
    /// </summary>
    internal static void DecodeWithJpegLibrary(ReadOnlyMemory<byte> encoded, byte[] destination, JpegFrameExpectation expected, bool toRgb, long fileOffset)
    {
        var decoder = new JpegDecoder();
        try
        {
            decoder.SetInput(encoded);
            decoder.Identify();
            bool lossless = decoder.StartOfFrame is JpegMarker.StartOfFrame3 or JpegMarker.StartOfFrame7
                or JpegMarker.StartOfFrame11 or JpegMarker.StartOfFrame15;
            Check(decoder, expected, fileOffset);
            if (lossless)
            {
                CheckLosslessScan(encoded.Span, decoder.Precision, fileOffset);
            }

            int bytesPerSample = expected.BitsAllocated / 8;
            decoder.SetOutputWriter(new JpegSampleWriter(destination, decoder.Width, decoder.Height, decoder.NumberOfComponents, bytesPerSample, lossless, decoder.Precision));
            decoder.Decode();
            if (!lossless && decoder.NumberOfComponents > 1)
            {
                for (int c = 0; c < decoder.NumberOfComponents; c++)
                {
                    ChromaUpsampler.Apply(destination.AsSpan(0, expected.FrameLength), decoder.Width, decoder.Height, decoder.NumberOfComponents, bytesPerSample, c,
                        decoder.GetMaximumHorizontalSampling() / decoder.GetHorizontalSampling(c),
                        decoder.GetMaximumVerticalSampling() / decoder.GetVerticalSampling(c));
                }
            }

            if (toRgb && !lossless && decoder.NumberOfComponents == 3)
            {
                ConvertYCbCrToRgb(destination.AsSpan(0, expected.FrameLength), bytesPerSample, decoder.Precision);
            }
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or NotSupportedException
            or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            throw new DicomException($"{DicomTag.PixelData} at offset {fileOffset}: JPEG frame cannot be decoded: {e.Message}", e)
            {
                Offset = fileOffset,
                Tag = DicomTag.PixelData,
            };
        }
    }

    private static void Check(JpegDecoder decoder, JpegFrameExpectation expected, long fileOffset)
    {
        string? problem = null;
        if (decoder.Width != expected.Columns || decoder.Height != expected.Rows)
        {
            problem = $"the JPEG frame is {decoder.Width} × {decoder.Height}, the data set says Columns {expected.Columns} × Rows {expected.Rows}";
        }
        else if (decoder.NumberOfComponents != expected.SamplesPerPixel)
        {
            problem = $"the JPEG frame has {decoder.NumberOfComponents} component(s), Samples per Pixel is {expected.SamplesPerPixel}";
        }
        else if (decoder.Precision > expected.BitsAllocated || decoder.Precision < 2)
        {
            problem = $"JPEG sample precision {decoder.Precision} does not fit Bits Allocated {expected.BitsAllocated}";
        }
        else if (decoder.StartOfFrame is JpegMarker.StartOfFrame2 or JpegMarker.StartOfFrame10
            or (>= JpegMarker.StartOfFrame5 and <= JpegMarker.StartOfFrame7) or (>= JpegMarker.StartOfFrame13 and <= JpegMarker.StartOfFrame15))
        {
            // PS3.5 §A.4.1: progressive and hierarchical processes were retired from DICOM.
            problem = $"JPEG process {decoder.StartOfFrame} is not one of the processes DICOM still allows (PS3.5 §A.4.1)";
        }

        if (problem is not null)
        {
            throw DicomException.At(fileOffset, DicomTag.PixelData, problem);
        }
    }

    /// <summary>
    /// JpegLibrary 0.4.32 keeps lossless samples in 16-bit signed integers. Predictors 1–4 are sums and differences,
    /// exact modulo 2^16 as T.81 §H.2.1 requires, but 5–7 halve a difference, which is wrong once a 16-bit sample is
    /// 32768 or more (signed data crossing zero does this): refuse those rather than return wrong pixels. Likewise a
    /// point transform (T.81 §H.1.2.1, Pt ≠ 0), which the library does not undo.
    /// </summary>
    private static void CheckLosslessScan(ReadOnlySpan<byte> stream, int precision, long fileOffset)
    {
        int at = 2;
        while (at + 4 <= stream.Length && stream[at] == 0xFF)
        {
            byte marker = stream[at + 1];
            int length = (stream[at + 2] << 8) | stream[at + 3];
            if (marker == 0xDA && at + 4 + length - 2 <= stream.Length && length >= 6)
            {
                // T.81 §B.2.3: Ns, Ns × (Cs, Td/Ta), Ss (the predictor), Se, Ah/Al (Al is the point transform).
                int components = stream[at + 4];
                int tail = at + 5 + (2 * components);
                if (tail + 2 >= stream.Length)
                {
                    return;
                }

                int predictor = stream[tail];
                int pointTransform = stream[tail + 2] & 0x0F;
                if (precision > 15 && predictor >= 5)
                {
                    throw DicomException.At(fileOffset, DicomTag.PixelData,
                        $"JPEG Lossless with predictor {predictor} at {precision} bits is not supported by the JPEG codec (JpegLibrary 0.4.32 halves 16-bit differences in signed arithmetic)");
                }

                if (pointTransform != 0)
                {
                    throw DicomException.At(fileOffset, DicomTag.PixelData, $"JPEG Lossless with point transform {pointTransform} is not supported by the JPEG codec");
                }

                return;
            }

            at += 2 + length;
        }
    }

    /// <summary>
    /// ITU-T T.871 §7 (JFIF, full-range BT.601): R = Y + 1.402 Cr', G = Y − 0.344136 Cb' − 0.714136 Cr',
    /// B = Y + 1.772 Cb', with Cb' and Cr' centred on 2^(P−1); 16-bit fixed point, rounded, clamped.
    /// </summary>
    private static void ConvertYCbCrToRgb(Span<byte> frame, int bytesPerSample, int precision)
    {
        const int FractionBits = 16;
        const int Half = 1 << (FractionBits - 1);
        const int CrToR = 91881; // 1.402 × 2^16
        const int CbToG = 22554; // 0.344136 × 2^16
        const int CrToG = 46802; // 0.714136 × 2^16
        const int CbToB = 116130; // 1.772 × 2^16
        int centre = 1 << (precision - 1);
        int maximum = (1 << precision) - 1;
        int samples = frame.Length / bytesPerSample;
        for (int i = 0; i + 2 < samples; i += 3)
        {
            int y = NativeSamples.Read(frame, i, bytesPerSample);
            int cb = NativeSamples.Read(frame, i + 1, bytesPerSample) - centre;
            int cr = NativeSamples.Read(frame, i + 2, bytesPerSample) - centre;
            int r = y + (((CrToR * cr) + Half) >> FractionBits);
            int g = y + (((-(CbToG * cb) - (CrToG * cr)) + Half) >> FractionBits);
            int b = y + (((CbToB * cb) + Half) >> FractionBits);
            NativeSamples.Write(frame, i, bytesPerSample, Math.Clamp(r, 0, maximum));
            NativeSamples.Write(frame, i + 1, bytesPerSample, Math.Clamp(g, 0, maximum));
            NativeSamples.Write(frame, i + 2, bytesPerSample, Math.Clamp(b, 0, maximum));
        }
    }
}
