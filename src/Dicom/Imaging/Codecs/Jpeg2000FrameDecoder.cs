using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Telemed.Dicom.Tags;

namespace Telemed.Dicom.Imaging.Codecs;

/// <summary>
/// Decodes one frame of JPEG 2000 pixel data (PS3.5 §A.4.4: ISO/IEC 15444-1; and HTJ2K, ISO/IEC 15444-15) with
/// OpenJPEG into the layout native pixel data has: colour-by-pixel, little endian, Bits Allocated per sample. A
/// multi-component transform in the codestream (YBR_ICT, YBR_RCT) is undone by OpenJPEG, so colour comes out RGB.
/// </summary>
internal static unsafe class Jpeg2000FrameDecoder
{
    /// <summary>JPEG 2000 Image Compression (Lossless Only).</summary>
    public const string LosslessUid = "1.2.840.10008.1.2.4.90";

    /// <summary>JPEG 2000 Image Compression (reversible or irreversible).</summary>
    public const string LossyUid = "1.2.840.10008.1.2.4.91";

    /// <summary>High-Throughput JPEG 2000 Image Compression (Lossless Only).</summary>
    public const string HighThroughputLosslessUid = "1.2.840.10008.1.2.4.201";

    /// <summary>High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only).</summary>
    public const string HighThroughputLosslessRpclUid = "1.2.840.10008.1.2.4.202";

    /// <summary>High-Throughput JPEG 2000 Image Compression.</summary>
    public const string HighThroughputUid = "1.2.840.10008.1.2.4.203";

    // OpenJPEG's stream buffer; frames are read from memory, so this only bounds each copy.
    private const int StreamChunk = 1 << 16;

    public static bool Handles(string transferSyntaxUid) =>
        transferSyntaxUid is LosslessUid or LossyUid or HighThroughputLosslessUid or HighThroughputLosslessRpclUid or HighThroughputUid;

    /// <summary>Null when OpenJPEG is loadable; otherwise why not and how to get it.</summary>
    public static string? Unavailability()
    {
        OpenJpeg.Library.TryGetExports(out string? problem);
        return problem;
    }

    public static void Decode(ReadOnlyMemory<byte> encoded, byte[] destination, JpegFrameExpectation expected, long fileOffset)
    {
        OpenJpeg api = OpenJpeg.Library.TryGetExports(out string? unavailable)
            ?? throw DicomException.At(fileOffset, DicomTag.PixelData, unavailable!);
        if (expected.BitsAllocated is not (8 or 16) || destination.Length < expected.FrameLength)
        {
            throw DicomException.At(fileOffset, DicomTag.PixelData, $"JPEG 2000 frames decode to Bits Allocated 8 or 16, not {expected.BitsAllocated}");
        }

        int format = Format(encoded.Span, fileOffset);
        var messages = new List<string>();
        GCHandle messageHandle = GCHandle.Alloc(messages);
        nint codec = 0;
        nint stream = 0;
        OpenJpeg.Image* image = null;
        try
        {
            using MemoryHandle pinned = encoded.Pin();
            // Lives on this stack frame; OpenJPEG calls back into it only during ReadHeader and Decode below.
            var source = new MemorySource { Data = (byte*)pinned.Pointer, Length = encoded.Length };
            codec = api.CreateDecompress(format);
            stream = api.StreamCreate(StreamChunk, 1);
            if (codec == 0 || stream == 0)
            {
                throw new InvalidOperationException("OpenJPEG could not create a decoder or stream (out of memory)");
            }

            void* context = (void*)GCHandle.ToIntPtr(messageHandle);
            api.SetErrorHandler(codec, &OnMessage, context);
            api.SetWarningHandler(codec, &OnMessage, context);
            OpenJpeg.DecoderParameters parameters;
            api.SetDefaultDecoderParameters(&parameters);
            parameters.Reduce = 0;
            Require(api.SetupDecoder(codec, &parameters) != 0, "setting up the decoder", messages, fileOffset);

            api.StreamSetReadFunction(stream, &Read);
            api.StreamSetSkipFunction(stream, &Skip);
            api.StreamSetSeekFunction(stream, &Seek);
            api.StreamSetUserData(stream, &source, 0);
            api.StreamSetUserDataLength(stream, (ulong)encoded.Length);

            Require(api.ReadHeader(stream, codec, &image) != 0 && image is not null, "reading the header", messages, fileOffset);
            // Checked before decoding so a forged SIZ cannot make OpenJPEG allocate more than the frame needs.
            CheckImage(image, expected, fileOffset);
            Require(api.Decode(codec, stream, image) != 0, "decoding the frame", messages, fileOffset);
            Require(api.EndDecompress(codec, stream) != 0, "ending the codestream", messages, fileOffset);
            // And again after: decoding rewrites the component descriptions and allocates their data.
            CheckImage(image, expected, fileOffset);
            Store(image, destination, expected, fileOffset);
        }
        finally
        {
            if (image is not null)
            {
                api.ImageDestroy(image);
            }

            if (stream != 0)
            {
                api.StreamDestroy(stream);
            }

            if (codec != 0)
            {
                api.DestroyCodec(codec);
            }

            messageHandle.Free();
        }
    }

    /// <summary>PS3.5 §A.4.4 asks for a bare codestream (SOC, then SIZ); some writers store a JP2 file instead.</summary>
    private static int Format(ReadOnlySpan<byte> stream, long fileOffset)
    {
        ReadOnlySpan<byte> codestream = [0xFF, 0x4F, 0xFF, 0x51];
        ReadOnlySpan<byte> jp2Signature = [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A];
        if (stream.StartsWith(codestream))
        {
            return OpenJpeg.CodecJ2k;
        }

        if (stream.StartsWith(jp2Signature))
        {
            return OpenJpeg.CodecJp2;
        }

        throw DicomException.At(fileOffset, DicomTag.PixelData,
            "the frame is neither a JPEG 2000 codestream (SOC, SIZ: FF4F FF51) nor a JP2 file (ISO/IEC 15444-1 Annex A, I)");
    }

    private static void CheckImage(OpenJpeg.Image* image, JpegFrameExpectation expected, long fileOffset)
    {
        string? problem = null;
        long width = (long)image->X1 - image->X0;
        long height = (long)image->Y1 - image->Y0;
        if (width != expected.Columns || height != expected.Rows)
        {
            problem = $"the JPEG 2000 image is {width} × {height}, the data set says Columns {expected.Columns} × Rows {expected.Rows}";
        }
        else if (image->ComponentCount != expected.SamplesPerPixel || image->Components is null)
        {
            problem = $"the JPEG 2000 image has {image->ComponentCount} component(s), Samples per Pixel is {expected.SamplesPerPixel}";
        }
        else
        {
            for (int c = 0; c < expected.SamplesPerPixel && problem is null; c++)
            {
                OpenJpeg.Component* component = &image->Components[c];
                if (component->Dx != 1 || component->Dy != 1 || component->Width != expected.Columns || component->Height != expected.Rows)
                {
                    problem = $"JPEG 2000 component {c} is {component->Width} × {component->Height} with subsampling {component->Dx} × {component->Dy}; subsampled components are not supported";
                }
                else if (component->Precision < 1 || component->Precision > expected.BitsAllocated)
                {
                    problem = $"JPEG 2000 component {c} precision {component->Precision} does not fit Bits Allocated {expected.BitsAllocated}";
                }
            }
        }

        if (problem is not null)
        {
            throw DicomException.At(fileOffset, DicomTag.PixelData, problem);
        }
    }

    /// <summary>
    /// OpenJPEG gives each component as its own plane of int32; native pixel data interleaves them. Signed samples
    /// arrive negative and keep their two's complement pattern in Bits Allocated bits.
    /// </summary>
    private static void Store(OpenJpeg.Image* image, Span<byte> destination, JpegFrameExpectation expected, long fileOffset)
    {
        int pixels = expected.Rows * expected.Columns;
        int components = expected.SamplesPerPixel;
        int bytesPerSample = expected.BitsAllocated / 8;
        for (int c = 0; c < components; c++)
        {
            OpenJpeg.Component* component = &image->Components[c];
            if (component->Data is null)
            {
                throw DicomException.At(fileOffset, DicomTag.PixelData, $"OpenJPEG decoded no samples for component {c}");
            }

            var plane = new ReadOnlySpan<int>(component->Data, pixels);
            for (int p = 0; p < pixels; p++)
            {
                NativeSamples.Write(destination, (p * components) + c, bytesPerSample, plane[p]);
            }
        }
    }

    private static void Require(bool succeeded, string step, List<string> messages, long fileOffset)
    {
        if (!succeeded)
        {
            string detail = messages.Count > 0 ? string.Join("; ", messages) : "no message from OpenJPEG";
            throw DicomException.At(fileOffset, DicomTag.PixelData, $"JPEG 2000 frame cannot be decoded ({step}): {detail}");
        }
    }

    // opj_msg_callback. Unmanaged callers cannot take an exception, so nothing here may throw.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnMessage(byte* message, void* context)
    {
        if (GCHandle.FromIntPtr((nint)context).Target is List<string> messages && messages.Count < 20)
        {
            messages.Add((Marshal.PtrToStringUTF8((nint)message) ?? "").Trim());
        }
    }

    // opj_stream_read_fn: (OPJ_SIZE_T)-1 says the end of the stream was reached.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nuint Read(void* buffer, nuint count, void* user)
    {
        var source = (MemorySource*)user;
        long left = source->Length - source->Position;
        if (left <= 0)
        {
            return nuint.MaxValue;
        }

        long n = count > (nuint)left ? left : (long)count;
        Buffer.MemoryCopy(source->Data + source->Position, buffer, n, n);
        source->Position += n;
        return (nuint)n;
    }

    // opj_stream_skip_fn: the bytes skipped, or -1 when the target lies outside the frame.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static long Skip(long count, void* user)
    {
        var source = (MemorySource*)user;
        if (count < -source->Position || count > source->Length - source->Position)
        {
            source->Position = source->Length;
            return -1;
        }

        source->Position += count;
        return count;
    }

    // opj_stream_seek_fn: OPJ_TRUE when the absolute position lies within the frame.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Seek(long position, void* user)
    {
        var source = (MemorySource*)user;
        if (position < 0 || position > source->Length)
        {
            return 0;
        }

        source->Position = position;
        return 1;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MemorySource
    {
        public byte* Data;
        public long Length;
        public long Position;
    }
}
