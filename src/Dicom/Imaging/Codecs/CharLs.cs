using System.Runtime.InteropServices;

namespace Telemed.Dicom.Imaging.Codecs;

/// <summary>
/// The part of CharLS 2.x's C API (charls_jpegls_decoder.h, jpegls_error.h) that decoding needs, bound by name from
/// Debian's libcharls2 on first use. Every function returns a charls_jpegls_errc; 0 is success.
/// </summary>
internal sealed unsafe class CharLs
{
    public static readonly NativeCodecLibrary<CharLs> Library = new("JPEG-LS", "libcharls.so.2", "libcharls2", Bind);

    private CharLs()
    {
    }

    public delegate* unmanaged[Cdecl]<nint> DecoderCreate { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, void> DecoderDestroy { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, byte*, nuint, int> SetSourceBuffer { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, int> ReadHeader { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, FrameInfo*, int> GetFrameInfo { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, int*, int> GetInterleaveMode { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, uint, nuint*, int> GetDestinationSize { get; private init; }

    public delegate* unmanaged[Cdecl]<nint, byte*, nuint, uint, int> DecodeToBuffer { get; private init; }

    public delegate* unmanaged[Cdecl]<int, byte*> GetErrorMessage { get; private init; }

    /// <summary>CharLS's own text for an error code (static strings inside the library).</summary>
    public string Message(int errorCode) => Marshal.PtrToStringUTF8((nint)GetErrorMessage(errorCode)) ?? $"error {errorCode}";

    private static CharLs? Bind(nint library)
    {
        string[] names =
        [
            "charls_jpegls_decoder_create", "charls_jpegls_decoder_destroy", "charls_jpegls_decoder_set_source_buffer",
            "charls_jpegls_decoder_read_header", "charls_jpegls_decoder_get_frame_info",
            "charls_jpegls_decoder_get_interleave_mode", "charls_jpegls_decoder_get_destination_size",
            "charls_jpegls_decoder_decode_to_buffer", "charls_get_error_message",
        ];
        nint[] exports = new nint[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            if (!NativeLibrary.TryGetExport(library, names[i], out exports[i]))
            {
                return null;
            }
        }

        return new CharLs
        {
            DecoderCreate = (delegate* unmanaged[Cdecl]<nint>)exports[0],
            DecoderDestroy = (delegate* unmanaged[Cdecl]<nint, void>)exports[1],
            SetSourceBuffer = (delegate* unmanaged[Cdecl]<nint, byte*, nuint, int>)exports[2],
            ReadHeader = (delegate* unmanaged[Cdecl]<nint, int>)exports[3],
            GetFrameInfo = (delegate* unmanaged[Cdecl]<nint, FrameInfo*, int>)exports[4],
            GetInterleaveMode = (delegate* unmanaged[Cdecl]<nint, int*, int>)exports[5],
            GetDestinationSize = (delegate* unmanaged[Cdecl]<nint, uint, nuint*, int>)exports[6],
            DecodeToBuffer = (delegate* unmanaged[Cdecl]<nint, byte*, nuint, uint, int>)exports[7],
            GetErrorMessage = (delegate* unmanaged[Cdecl]<int, byte*>)exports[8],
        };
    }

    /// <summary>charls_frame_info: width and height [1, 65535], bits per sample [2, 16], component count [1, 255].</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct FrameInfo
    {
        public uint Width;
        public uint Height;
        public int BitsPerSample;
        public int ComponentCount;
    }
}
