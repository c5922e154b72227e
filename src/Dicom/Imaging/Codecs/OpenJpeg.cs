using System.Runtime.InteropServices;

namespace Telemed.Dicom.Imaging.Codecs;

/// <summary>
/// The part of OpenJPEG 2.5's C API (openjpeg.h) that decoding from memory needs, bound by name from Debian's
/// libopenjp2-7 on first use. OPJ_BOOL is an int; OPJ_SIZE_T is size_t; OPJ_OFF_T is int64_t.
/// </summary>
internal sealed unsafe class OpenJpeg
{
    public static readonly NativeCodecLibrary<OpenJpeg> Library = new("JPEG 2000", "libopenjp2.so.7", "libopenjp2-7", Bind);

    /// <summary>OPJ_CODEC_J2K: a bare codestream (ISO/IEC 15444-1 Annex A).</summary>
    public const int CodecJ2k = 0;

    /// <summary>OPJ_CODEC_JP2: the JP2 file format (Annex I), which some writers put in DICOM against PS3.5 §A.4.4.</summary>
    public const int CodecJp2 = 2;

    private OpenJpeg()
    {
    }

    public delegate* unmanaged[Cdecl]<int, nint> CreateDecompress { get; private init; }

    public delegate* unmanaged[Cdecl]<DecoderParameters*, void> SetDefaultDecoderParameters { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, DecoderParameters*, int> SetupDecoder { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<byte*, void*, void>, void*, int> SetErrorHandler { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<byte*, void*, void>, void*, int> SetWarningHandler { get; private init; }

    public delegate* unmanaged[Cdecl]<nuint, int, nint> StreamCreate { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<void*, nuint, void*, nuint>, void> StreamSetReadFunction { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<long, void*, long>, void> StreamSetSkipFunction { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<long, void*, int>, void> StreamSetSeekFunction { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, void*, nint, void> StreamSetUserData { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, ulong, void> StreamSetUserDataLength { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, nint, Image**, int> ReadHeader { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, nint, Image*, int> Decode { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, nint, int> EndDecompress { get; private init; }

    public delegate* unmanaged[Cdecl]<Image*, void> ImageDestroy { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, void> StreamDestroy { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, void> DestroyCodec { get; private init; }

    private static OpenJpeg? Bind(nint library)
    {
        string[] names =
        [
            "opj_create_decompress", "opj_set_default_decoder_parameters", "opj_setup_decoder", "opj_set_error_handler",
            "opj_set_warning_handler", "opj_stream_create", "opj_stream_set_read_function", "opj_stream_set_skip_function",
            "opj_stream_set_seek_function", "opj_stream_set_user_data", "opj_stream_set_user_data_length", "opj_read_header",
            "opj_decode", "opj_end_decompress", "opj_image_destroy", "opj_stream_destroy", "opj_destroy_codec",
        ];
        nint[] e = new nint[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            if (!NativeLibrary.TryGetExport(library, names[i], out e[i]))
            {
                return null;
            }
        }

        return new OpenJpeg
        {
            CreateDecompress = (delegate* unmanaged[Cdecl]<int, nint>)e[0],
            SetDefaultDecoderParameters = (delegate* unmanaged[Cdecl]<DecoderParameters*, void>)e[1],
            SetupDecoder = (delegate* unmanaged[Cdecl]<nint, DecoderParameters*, int>)e[2],
            SetErrorHandler = (delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<byte*, void*, void>, void*, int>)e[3],
            SetWarningHandler = (delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<byte*, void*, void>, void*, int>)e[4],
            StreamCreate = (delegate* unmanaged[Cdecl]<nuint, int, nint>)e[5],
            StreamSetReadFunction = (delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<void*, nuint, void*, nuint>, void>)e[6],
            StreamSetSkipFunction = (delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<long, void*, long>, void>)e[7],
            StreamSetSeekFunction = (delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<long, void*, int>, void>)e[8],
            StreamSetUserData = (delegate* unmanaged[Cdecl]<nint, void*, nint, void>)e[9],
            StreamSetUserDataLength = (delegate* unmanaged[Cdecl]<nint, ulong, void>)e[10],
            ReadHeader = (delegate* unmanaged[Cdecl]<nint, nint, Image**, int>)e[11],
            Decode = (delegate* unmanaged[Cdecl]<nint, nint, Image*, int>)e[12],
            EndDecompress = (delegate* unmanaged[Cdecl]<nint, nint, int>)e[13],
            ImageDestroy = (delegate* unmanaged[Cdecl]<Image*, void>)e[14],
            StreamDestroy = (delegate* unmanaged[Cdecl]<nint, void>)e[15],
            DestroyCodec = (delegate* unmanaged[Cdecl]<nint, void>)e[16],
        };
    }

    /// <summary>
    /// opj_dparameters_t (8252 bytes: two OPJ_PATH_LEN = 4096 file names among ints). Only filled by
    /// opj_set_default_decoder_parameters and read by opj_setup_decoder, so only its size matters here.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 8252)]
    public struct DecoderParameters
    {
        /// <summary>cp_reduce: resolution levels to discard; 0 decodes at full resolution.</summary>
        [FieldOffset(0)]
        public uint Reduce;
    }

    /// <summary>opj_image_t.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Image
    {
        public uint X0;
        public uint Y0;
        public uint X1;
        public uint Y1;
        public uint ComponentCount;
        public int ColorSpace;
        public Component* Components;
        public byte* IccProfile;
        public uint IccProfileLength;
    }

    /// <summary>opj_image_comp_t: the decoded samples are one int32 per sample, row by row, w × h of them.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Component
    {
        public uint Dx;
        public uint Dy;
        public uint Width;
        public uint Height;
        public uint X0;
        public uint Y0;
        public uint Precision;
        public uint Bpp;
        public uint Signed;
        public uint ResolutionsDecoded;
        public uint Factor;
        public int* Data;
        public ushort Alpha;
    }
}
