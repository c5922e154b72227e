using System.Buffers;
using Telemed.Dicom.Tags;

namespace Telemed.Dicom.Imaging.Codecs;

/// <summary>
/// Decodes one frame of JPEG-LS pixel data (PS3.5 §A.4.3, §8.2.3: ISO/IEC 14495-1) with CharLS into the layout native
/// pixel data has: colour-by-pixel, little endian, Bits Allocated per sample.
/// </summary>
internal static unsafe class JpegLsFrameDecoder
{
    /// <summary>JPEG-LS Lossless Image Compression.</summary>
    public const string LosslessUid = "1.2.840.10008.1.2.4.80";

    /// <summary>JPEG-LS Lossy (Near-Lossless) Image Compression.</summary>
    public const string NearLosslessUid = "1.2.840.10008.1.2.4.81";

    // charls_interleave_mode: NONE stores component after component, so CharLS hands back whole planes.
    private const int InterleaveNone = 0;

    public static bool Handles(string transferSyntaxUid) => transferSyntaxUid is LosslessUid or NearLosslessUid;

    /// <summary>Null when CharLS is loadable; otherwise why not and how to get it.</summary>
    public static string? Unavailability()
    {
        CharLs.Library.TryGetExports(out string? problem);
        return problem;
    }

    /// <summary>
    /// Decodes <paramref name="encoded"/> into <paramref name="destination"/>. Samples narrower than Bits Allocated
    /// are sign-extended when <paramref name="signed"/> (Pixel Representation 1): JPEG-LS itself only knows unsigned
    /// samples (ISO/IEC 14495-1), so a signed frame carries its two's complement bit pattern.
    /// </summary>
    public static void Decode(ReadOnlyMemory<byte> encoded, byte[] destination, JpegFrameExpectation expected, bool signed, long fileOffset)
    {
        CharLs api = CharLs.Library.TryGetExports(out string? unavailable)
            ?? throw DicomException.At(fileOffset, DicomTag.PixelData, unavailable!);
        if (expected.BitsAllocated is not (8 or 16) || destination.Length < expected.FrameLength)
        {
            throw DicomException.At(fileOffset, DicomTag.PixelData, $"JPEG-LS frames decode to Bits Allocated 8 or 16, not {expected.BitsAllocated}");
        }

        RequireEndOfImage(encoded.Span, fileOffset);
        nint decoder = api.DecoderCreate();
        if (decoder == 0)
        {
            throw new InvalidOperationException("CharLS could not create a JPEG-LS decoder (out of memory)");
        }

        try
        {
            using MemoryHandle source = encoded.Pin();
            Check(api, api.SetSourceBuffer(decoder, (byte*)source.Pointer, (nuint)encoded.Length), "reading the frame", fileOffset);
            Check(api, api.ReadHeader(decoder), "reading the JPEG-LS header", fileOffset);
            CharLs.FrameInfo info;
            int interleave;
            Check(api, api.GetFrameInfo(decoder, &info), "reading the frame header", fileOffset);
            Check(api, api.GetInterleaveMode(decoder, &interleave), "reading the interleave mode", fileOffset);
            CheckFrame(info, expected, fileOffset);

            // CharLS writes one byte per sample up to 8 bits, two (host order, little endian here) above.
            int codecBytes = info.BitsPerSample <= 8 ? 1 : 2;
            int length = expected.Rows * expected.Columns * expected.SamplesPerPixel * codecBytes;
            nuint required;
            Check(api, api.GetDestinationSize(decoder, 0, &required), "sizing the frame", fileOffset);
            if (required != (nuint)length)
            {
                throw DicomException.At(fileOffset, DicomTag.PixelData, $"CharLS asks for {required} bytes for a frame of {length}");
            }

            int bytesPerSample = expected.BitsAllocated / 8;
            bool planes = interleave == InterleaveNone && expected.SamplesPerPixel > 1;
            bool direct = codecBytes == bytesPerSample && !planes;
            byte[] decoded = direct ? destination : ArrayPool<byte>.Shared.Rent(length);
            try
            {
                fixed (byte* target = decoded)
                {
                    // The size passed is the frame's, never the (possibly larger) array's: CharLS writes no further.
                    Check(api, api.DecodeToBuffer(decoder, target, (nuint)length, 0), "decoding the frame", fileOffset);
                }

                if (!direct)
                {
                    Rearrange(decoded.AsSpan(0, length), destination, expected, codecBytes, planes);
                }
            }
            finally
            {
                if (!direct)
                {
                    ArrayPool<byte>.Shared.Return(decoded);
                }
            }

            if (signed && info.BitsPerSample < expected.BitsAllocated)
            {
                SignExtend(destination.AsSpan(0, expected.FrameLength), bytesPerSample, info.BitsPerSample);
            }
        }
        finally
        {
            api.DecoderDestroy(decoder);
        }
    }

    /// <summary>
    /// A cut-short frame is refused before CharLS sees it: CharLS 2.4.1 takes seconds to give up on a scan that runs
    /// into the end of its buffer (13.8 s for a 64 × 64 frame cut at 3000 of 4430 bytes). ISO/IEC 14495-1 §C.1.3 ends every image with EOI;
    /// PS3.5 §A.4 may add one padding byte to make the fragment even (0x00; some encoders write 0xFF).
    /// </summary>
    private static void RequireEndOfImage(ReadOnlySpan<byte> stream, long fileOffset)
    {
        ReadOnlySpan<byte> endOfImage = [0xFF, 0xD9];
        if (!stream.EndsWith(endOfImage) && !(stream.Length > 2 && stream[..^1].EndsWith(endOfImage)))
        {
            throw DicomException.At(fileOffset, DicomTag.PixelData, $"the JPEG-LS frame of {stream.Length} bytes does not end with an EOI marker (FFD9): truncated");
        }
    }

    private static void CheckFrame(CharLs.FrameInfo info, JpegFrameExpectation expected, long fileOffset)
    {
        string? problem = null;
        if (info.Width != expected.Columns || info.Height != expected.Rows)
        {
            problem = $"the JPEG-LS frame is {info.Width} × {info.Height}, the data set says Columns {expected.Columns} × Rows {expected.Rows}";
        }
        else if (info.ComponentCount != expected.SamplesPerPixel)
        {
            problem = $"the JPEG-LS frame has {info.ComponentCount} component(s), Samples per Pixel is {expected.SamplesPerPixel}";
        }
        else if (info.BitsPerSample < 2 || info.BitsPerSample > expected.BitsAllocated)
        {
            problem = $"JPEG-LS sample precision {info.BitsPerSample} does not fit Bits Allocated {expected.BitsAllocated}";
        }

        if (problem is not null)
        {
            throw DicomException.At(fileOffset, DicomTag.PixelData, problem);
        }
    }

    /// <summary>Widens 8-bit codec samples to 16 and turns planes into colour-by-pixel.</summary>
    private static void Rearrange(ReadOnlySpan<byte> decoded, Span<byte> destination, JpegFrameExpectation expected, int codecBytes, bool planes)
    {
        int pixels = expected.Rows * expected.Columns;
        int components = expected.SamplesPerPixel;
        int bytesPerSample = expected.BitsAllocated / 8;
        for (int c = 0; c < components; c++)
        {
            for (int p = 0; p < pixels; p++)
            {
                int from = planes ? (c * pixels) + p : (p * components) + c;
                int value = codecBytes == 1 ? decoded[from] : decoded[from * 2] | (decoded[(from * 2) + 1] << 8);
                NativeSamples.Write(destination, (p * components) + c, bytesPerSample, value);
            }
        }
    }

    private static void SignExtend(Span<byte> frame, int bytesPerSample, int precision)
    {
        int signBit = 1 << (precision - 1);
        int mask = (1 << precision) - 1;
        int samples = frame.Length / bytesPerSample;
        for (int i = 0; i < samples; i++)
        {
            int value = NativeSamples.Read(frame, i, bytesPerSample) & mask;
            NativeSamples.Write(frame, i, bytesPerSample, (value ^ signBit) - signBit);
        }
    }

    private static void Check(CharLs api, int errorCode, string step, long fileOffset)
    {
        if (errorCode != 0)
        {
            throw DicomException.At(fileOffset, DicomTag.PixelData, $"JPEG-LS frame cannot be decoded ({step}): {api.Message(errorCode)} (CharLS error {errorCode})");
        }
    }
}
