using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Imaging.Codecs;
using Telemed.Dicom.Tags;

namespace Telemed.Dicom.Imaging;

/// <summary>
/// A view over Pixel Data (7FE0,0010) described by the Image Pixel module (PS3.3 C.7.6.3) and Number of Frames
/// (C.7.6.6). Native frames are slices of the parsed buffer; RLE Lossless (PS3.5 Annex G) and JPEG Baseline, Extended
/// and Lossless frames (PS3.5 §A.4.1) are decoded on request, JPEG-LS (§A.4.3) and JPEG 2000 and HTJ2K (§A.4.4) too when
/// Debian's libcharls2 and libopenjp2-7 are installed; other encapsulated transfer syntaxes are recognised but have no
/// codec in this slice.
/// </summary>
public sealed class PixelData
{
    private const string RleLosslessUid = "1.2.840.10008.1.2.5";

    private readonly DicomElement element;
    private readonly bool isJpeg;
    private readonly bool isJpegLs;
    private readonly bool isJpeg2000;

    /// <summary>The Photometric Interpretation as stored; differs from the decoded one only for JPEG YBR.</summary>
    private readonly PhotometricInterpretation parsed;

    private PixelData(DicomDataset dataset, DicomElement element, DicomTransferSyntax transferSyntax)
    {
        this.element = element;
        TransferSyntax = transferSyntax;
        Dataset = dataset;
        Rows = Required(dataset, ImageTags.Rows);
        Columns = Required(dataset, ImageTags.Columns);
        SamplesPerPixel = Required(dataset, ImageTags.SamplesPerPixel);
        BitsAllocated = Required(dataset, ImageTags.BitsAllocated);
        BitsStored = Required(dataset, ImageTags.BitsStored);
        HighBit = Required(dataset, ImageTags.HighBit);
        IsSigned = Required(dataset, ImageTags.PixelRepresentation) == 1;
        bool encapsulated = element is DicomFragmentSequence;
        isJpeg = JpegFrameDecoder.Handles(transferSyntax.Uid) && encapsulated;
        isJpegLs = JpegLsFrameDecoder.Handles(transferSyntax.Uid) && encapsulated;
        isJpeg2000 = Jpeg2000FrameDecoder.Handles(transferSyntax.Uid) && encapsulated;
        // PS3.3 C.7.6.3.1.3: Planar Configuration is present only when Samples per Pixel > 1. The JPEG family's
        // decoders always give colour-by-pixel, whatever the (then meaningless) attribute says.
        IsPlanar = !(isJpeg || isJpegLs || isJpeg2000) && SamplesPerPixel > 1 && dataset.TryGetElement(ImageTags.PlanarConfiguration, out DicomElement? planar)
            && planar.Length >= 2 && planar.GetUInt16() == 1;
        FrameCount = dataset.TryGetElement(ImageTags.NumberOfFrames, out DicomElement? frames) && frames.ValueCount > 0
            ? frames.GetInt32()
            : 1;

        string photometric = dataset.GetStringOrNull(ImageTags.PhotometricInterpretation)?.Trim() ?? "";
        PhotometricInterpretationName = photometric;
        PhotometricInterpretation? stored = ParsePhotometric(photometric);
        if (stored is null && isJpeg2000 && photometric is "YBR_ICT" or "YBR_RCT")
        {
            // PS3.3 C.7.6.3.1.2: these name the codestream's multi-component transform, which the decoder undoes.
            stored = PhotometricInterpretation.Rgb;
        }

        if (stored is null)
        {
            RequireCodec();
            throw Problem($"Photometric Interpretation '{photometric}' is not supported (PS3.3 C.7.6.3.1.2)");
        }

        parsed = stored.Value;
        PhotometricInterpretation = isJpeg ? AsDecodedByJpeg(parsed) : parsed;
        Validate();
    }

    /// <summary>The data set the pixel description was read from (for the Modality and VOI LUT modules).</summary>
    public DicomDataset Dataset { get; }

    public DicomTransferSyntax TransferSyntax { get; }

    public int Rows { get; }

    public int Columns { get; }

    public int SamplesPerPixel { get; }

    public int BitsAllocated { get; }

    public int BitsStored { get; }

    public int HighBit { get; }

    /// <summary>Pixel Representation 1: samples are two's complement (PS3.3 C.7.6.3.1).</summary>
    public bool IsSigned { get; }

    /// <summary>Planar Configuration 1: all of the first sample's plane, then the second's (colour-by-plane).</summary>
    public bool IsPlanar { get; }

    /// <summary>
    /// How the decoded frame's samples are to be read: the file's Photometric Interpretation, except that JPEG lossy
    /// YBR_FULL and YBR_FULL_422 frames are converted to RGB while decoding and JPEG lossless YBR frames come out
    /// as full-resolution YBR_FULL (the codec does the subsampling, PS3.5 §8.2.1); JPEG 2000 YBR_ICT and YBR_RCT
    /// frames come out RGB (the codec undoes the multi-component transform, PS3.5 §8.2.4).
    /// </summary>
    public PhotometricInterpretation PhotometricInterpretation { get; }

    /// <summary>The Photometric Interpretation as written in the file.</summary>
    public string PhotometricInterpretationName { get; }

    public int FrameCount { get; }

    /// <summary>
    /// Native frames are encoded in the transfer syntax's byte order (8-bit OW in big endian excepted, which is
    /// returned in sample order); decoded frames (RLE, JPEG, JPEG-LS, JPEG 2000) are little endian.
    /// </summary>
    public bool IsEncapsulated => element is DicomFragmentSequence;

    /// <summary>Samples of one frame as decoded: Rows × Columns × Samples per Pixel (YBR_FULL_422 is expanded).</summary>
    public int SamplesPerFrame => Rows * Columns * SamplesPerPixel;

    /// <summary>Bytes of one native (or RLE-decoded) frame: YBR_FULL_422 stores two samples per pixel (PS3.3 C.7.6.3.1.2).</summary>
    public int FrameLength => Rows * Columns * StoredSamplesPerPixel * (BitsAllocated / 8);

    private int StoredSamplesPerPixel => PhotometricInterpretation == PhotometricInterpretation.YbrFull422 ? 2 : SamplesPerPixel;

    /// <summary>Frame bytes are big endian (native pixel data in Explicit VR Big Endian).</summary>
    private bool FrameIsBigEndian => !IsEncapsulated && element.IsBigEndian && BitsAllocated > 8;

    /// <summary>
    /// 8-bit samples in an OW value of Explicit VR Big Endian: PS3.5 §A.3 swaps the bytes of every 16-bit word, so
    /// the two samples of each word are stored in reverse order (DCMTK reads them so too).
    /// </summary>
    private bool HasSwappedSamplePairs => !IsEncapsulated && element.IsBigEndian && BitsAllocated == 8
        && element.VR == ValueRepresentations.DicomVR.OW;

    public static PixelData FromFile(DicomFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return FromDataset(file.Dataset, file.TransferSyntax);
    }

    public static PixelData FromDataset(DicomDataset dataset, DicomTransferSyntax transferSyntax)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(transferSyntax);
        if (!dataset.TryGetElement(DicomTag.PixelData, out DicomElement? pixels))
        {
            throw new DicomException($"{DicomTag.PixelData} is not present in the data set") { Tag = DicomTag.PixelData };
        }

        return new PixelData(dataset, pixels, transferSyntax);
    }

    /// <summary>
    /// One frame exactly as stored, in the file's transfer syntax: the compressed bit stream of encapsulated pixel data
    /// (PS3.5 §A.4, what DICOMweb serves as the frame in its original transfer syntax), or the native frame's bytes.
    /// </summary>
    public ReadOnlyMemory<byte> GetEncodedFrame(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, FrameCount);
        return element is DicomFragmentSequence fragments
            ? EncapsulatedFrames.Get(Dataset, fragments, index, FrameCount, out _)
            : element.Value.Slice(index * FrameLength, FrameLength);
    }

    /// <summary>
    /// The bytes of one frame. Native pixel data: a slice of the file buffer, no copy. RLE Lossless: the frame decoded
    /// into a new buffer in the layout native pixel data would have (little endian, the file's Planar Configuration).
    /// JPEG, JPEG-LS and JPEG 2000: likewise, colour-by-pixel, samples as <see cref="PhotometricInterpretation"/> says.
    /// </summary>
    public ReadOnlyMemory<byte> GetFrame(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, FrameCount);
        if (element is DicomFragmentSequence fragments)
        {
            RequireCodec();
            byte[] frame = new byte[FrameLength];
            ReadOnlyMemory<byte> encoded = EncapsulatedFrames.Get(Dataset, fragments, index, FrameCount, out long fileOffset);
            var expected = new JpegFrameExpectation(Rows, Columns, SamplesPerPixel, BitsAllocated);
            if (isJpeg)
            {
                JpegFrameDecoder.Decode(encoded, frame, expected,
                    toRgb: parsed != PhotometricInterpretation && PhotometricInterpretation == PhotometricInterpretation.Rgb, fileOffset);
                return frame;
            }

            if (isJpegLs)
            {
                JpegLsFrameDecoder.Decode(encoded, frame, expected, IsSigned, fileOffset);
                return frame;
            }

            if (isJpeg2000)
            {
                Jpeg2000FrameDecoder.Decode(encoded, frame, expected, fileOffset);
                return frame;
            }

            RleDecoder.Decode(encoded.Span, frame, new RleFrameLayout(Rows, Columns, SamplesPerPixel, BitsAllocated, IsPlanar), fileOffset);
            return frame;
        }

        if (HasSwappedSamplePairs)
        {
            // Unswapped by absolute position in the value: an odd-length frame may start or end mid-word, and the
            // value's padding byte holds the partner of the last sample.
            ReadOnlySpan<byte> value = element.Value.Span;
            byte[] unswapped = new byte[FrameLength];
            int start = index * FrameLength;
            for (int i = 0; i < unswapped.Length; i++)
            {
                unswapped[i] = value[(start + i) ^ 1];
            }

            return unswapped;
        }

        return element.Value.Slice(index * FrameLength, FrameLength);
    }

    /// <summary>
    /// Decodes a frame to integer sample values: shifted down from High Bit, masked to Bits Stored and, for signed
    /// pixel data, sign-extended (PS3.5 §8.1.1, PS3.3 C.7.6.3.1). The destination is always colour-by-pixel
    /// (sample s of pixel p at p × Samples per Pixel + s) whatever the Planar Configuration; YBR_FULL_422 is expanded.
    /// </summary>
    public void DecodeFrame(int index, Span<int> destination) => Decode(index, destination);

    /// <summary>
    /// Decodes a frame of unsigned pixel data to 16-bit samples, laid out as <see cref="DecodeFrame(int, Span{int})"/>.
    /// Signed pixel data needs the <see cref="int"/> overload.
    /// </summary>
    public void DecodeFrame(int index, Span<ushort> destination)
    {
        if (IsSigned)
        {
            throw new InvalidOperationException("signed pixel data (Pixel Representation 1) decodes to int, not ushort");
        }

        Decode(index, destination);
    }

    // Generic over the destination so int and ushort share one loop; the JIT specialises it per value type.
    private void Decode<T>(int index, Span<T> destination)
        where T : unmanaged, INumberBase<T>
    {
        RequireDestination(destination.Length);
        ReadOnlySpan<byte> frame = GetFrame(index).Span;
        SampleFormat format = Format;
        int pixels = Rows * Columns;
        int spp = SamplesPerPixel;
        switch (PhotometricInterpretation)
        {
            case PhotometricInterpretation.YbrFull422:
                // PS3.3 C.7.6.3.1.2: Y0 Y1 Cb Cr for each horizontal pair of pixels.
                for (int pair = 0; pair < pixels / 2; pair++)
                {
                    int s = pair * 4;
                    T cb = T.CreateTruncating(format.Read(frame, s + 2));
                    T cr = T.CreateTruncating(format.Read(frame, s + 3));
                    int d = pair * 6;
                    destination[d] = T.CreateTruncating(format.Read(frame, s));
                    destination[d + 1] = cb;
                    destination[d + 2] = cr;
                    destination[d + 3] = T.CreateTruncating(format.Read(frame, s + 1));
                    destination[d + 4] = cb;
                    destination[d + 5] = cr;
                }

                break;
            case var _ when IsPlanar:
                for (int sample = 0; sample < spp; sample++)
                {
                    int plane = sample * pixels;
                    for (int p = 0; p < pixels; p++)
                    {
                        destination[(p * spp) + sample] = T.CreateTruncating(format.Read(frame, plane + p));
                    }
                }

                break;
            default:
                int count = pixels * spp;
                for (int i = 0; i < count; i++)
                {
                    destination[i] = T.CreateTruncating(format.Read(frame, i));
                }

                break;
        }
    }

    private SampleFormat Format => new(BitsAllocated, BitsStored, HighBit, IsSigned, FrameIsBigEndian);

    private void RequireDestination(int length)
    {
        if (BitsAllocated is not (8 or 16))
        {
            throw Problem($"decoding Bits Allocated {BitsAllocated} to integers is not supported; GetFrame gives the bytes");
        }

        if (length < SamplesPerFrame)
        {
            throw new ArgumentException($"destination holds {length} samples, a frame has {SamplesPerFrame}", nameof(length));
        }
    }

    private void RequireCodec()
    {
        string uid = TransferSyntax.Uid;
        if (!TransferSyntax.IsEncapsulated || uid == RleLosslessUid || JpegFrameDecoder.Handles(uid))
        {
            return;
        }

        // The native codecs are optional: their absence says which package to install.
        string? problem = JpegLsFrameDecoder.Handles(uid) ? JpegLsFrameDecoder.Unavailability()
            : Jpeg2000FrameDecoder.Handles(uid) ? Jpeg2000FrameDecoder.Unavailability()
            : $"codec not available for {TransferSyntax.Name} ({uid})";
        if (problem is not null)
        {
            throw new DicomException(problem)
            {
                Offset = element.Offset,
                Tag = DicomTag.PixelData,
            };
        }
    }

    private void Validate()
    {
        if (Rows <= 0 || Columns <= 0)
        {
            throw Problem($"Rows {Rows} × Columns {Columns} is not an image");
        }

        if (BitsAllocated is not (8 or 16 or 32))
        {
            throw Problem($"Bits Allocated {BitsAllocated} is not supported (8, 16 or 32)");
        }

        if (BitsStored < 1 || BitsStored > BitsAllocated || HighBit < BitsStored - 1 || HighBit >= BitsAllocated)
        {
            throw Problem($"Bits Stored {BitsStored} and High Bit {HighBit} do not fit Bits Allocated {BitsAllocated} (PS3.5 §8.1.1)");
        }

        bool color = PhotometricInterpretation is PhotometricInterpretation.Rgb or PhotometricInterpretation.YbrFull or PhotometricInterpretation.YbrFull422;
        if (SamplesPerPixel != (color ? 3 : 1))
        {
            throw Problem($"Samples per Pixel {SamplesPerPixel} does not fit {PhotometricInterpretationName} (PS3.3 C.7.6.3.1.1)");
        }

        if (PhotometricInterpretation == PhotometricInterpretation.YbrFull422 && (Columns % 2 != 0 || IsPlanar || IsEncapsulated))
        {
            // A frame no codec here can decode says so first; that is the more useful of the two problems.
            RequireCodec();
            throw Problem("YBR_FULL_422 needs an even number of Columns, Planar Configuration 0 and native pixel data");
        }

        if (FrameCount < 1)
        {
            throw Problem($"Number of Frames {FrameCount} is not a frame count");
        }

        if (!IsEncapsulated && (long)FrameLength * FrameCount > element.Length)
        {
            throw Problem($"pixel data holds {element.Length} bytes; {FrameCount} frame(s) of {FrameLength} bytes need {(long)FrameLength * FrameCount}");
        }
    }

    private DicomException Problem(string message) => DicomException.At(element.Offset, DicomTag.PixelData, message);

    private PhotometricInterpretation AsDecodedByJpeg(PhotometricInterpretation stored) => stored switch
    {
        PhotometricInterpretation.YbrFull or PhotometricInterpretation.YbrFull422 when !JpegFrameDecoder.IsLossless(TransferSyntax.Uid) => PhotometricInterpretation.Rgb,
        PhotometricInterpretation.YbrFull422 => PhotometricInterpretation.YbrFull,
        _ => stored,
    };

    private static int Required(DicomDataset dataset, DicomTag tag)
    {
        if (!dataset.TryGetElement(tag, out DicomElement? e) || e.ValueCount == 0)
        {
            throw new DicomException($"{tag} is required by the Image Pixel module (PS3.3 C.7.6.3) and is missing or empty") { Tag = tag };
        }

        return e.GetInt32();
    }

    private static PhotometricInterpretation? ParsePhotometric(string name) => name switch
    {
        "MONOCHROME1" => Imaging.PhotometricInterpretation.Monochrome1,
        "MONOCHROME2" => Imaging.PhotometricInterpretation.Monochrome2,
        "PALETTE COLOR" => Imaging.PhotometricInterpretation.PaletteColor,
        "RGB" => Imaging.PhotometricInterpretation.Rgb,
        "YBR_FULL" => Imaging.PhotometricInterpretation.YbrFull,
        "YBR_FULL_422" => Imaging.PhotometricInterpretation.YbrFull422,
        _ => null,
    };

    /// <summary>How one stored sample becomes an integer; a struct so the per-sample read inlines.</summary>
    [StructLayout(LayoutKind.Auto)]
    private readonly struct SampleFormat(int bitsAllocated, int bitsStored, int highBit, bool signed, bool bigEndian)
    {
        private readonly bool wide = bitsAllocated == 16;
        private readonly int shift = highBit + 1 - bitsStored;
        private readonly int mask = (int)((1L << bitsStored) - 1);
        private readonly int signBit = signed ? 1 << (bitsStored - 1) : 0;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Read(ReadOnlySpan<byte> frame, int sample)
        {
            int raw = !wide
                ? frame[sample]
                : bigEndian
                    ? BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(sample * 2, 2))
                    : BinaryPrimitives.ReadUInt16LittleEndian(frame.Slice(sample * 2, 2));
            int value = (raw >> shift) & mask;
            // Two's complement within Bits Stored: flipping then subtracting the sign bit extends it branch-free.
            return (value ^ signBit) - signBit;
        }
    }
}
