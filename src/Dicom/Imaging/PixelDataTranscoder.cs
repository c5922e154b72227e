using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Tags;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.Dicom.Imaging;

/// <summary>Re-encodes the pixel data of a file into another transfer syntax with our own codecs.</summary>
public static class PixelDataTranscoder
{
    private const int ItemHeaderLength = 8;

    /// <summary>
    /// A copy of a file with native pixel data as RLE Lossless (PS3.5 §A.4.2, Annex G): one fragment per frame and a
    /// Basic Offset Table. Planar Configuration is kept: RLE segments are always one byte plane each (G.2), and the
    /// attribute then says how a decoder lays the decoded frame out, which is what DCMTK's dcmcrle and dcmdrle do.
    /// </summary>
    public static DicomFile ToRleLossless(DicomFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        PixelData pixels = PixelData.FromFile(file);
        if (pixels.IsEncapsulated)
        {
            throw new DicomException($"pixel data is already encapsulated ({file.TransferSyntax}); only native pixel data is encoded as RLE")
            {
                Tag = DicomTag.PixelData,
            };
        }

        if (pixels.PhotometricInterpretation == PhotometricInterpretation.YbrFull422)
        {
            // PS3.3 C.7.6.3.1.2: YBR_FULL_422 is for native or JPEG-family pixel data, not RLE.
            throw new DicomException("YBR_FULL_422 pixel data cannot be carried by RLE Lossless; convert it to YBR_FULL first") { Tag = DicomTag.PixelData };
        }

        var layout = new RleFrameLayout(pixels.Rows, pixels.Columns, pixels.SamplesPerPixel, pixels.BitsAllocated, pixels.IsPlanar);
        // Sized for the worst case (about 1 % above native) so the buffer never grows and copies.
        long worstCase = (long)RleEncoder.MaxEncodedLength(layout) * pixels.FrameCount;
        var encoded = new ArrayBufferWriter<byte>((int)Math.Min(worstCase, Array.MaxLength));
        int[] frameEnds = new int[pixels.FrameCount];
        byte[]? littleEndian = file.TransferSyntax.IsBigEndian && pixels.BitsAllocated > 8 ? new byte[pixels.FrameLength] : null;
        for (int frame = 0; frame < pixels.FrameCount; frame++)
        {
            ReadOnlySpan<byte> native = pixels.GetFrame(frame).Span;
            if (littleEndian is not null)
            {
                // PS3.5 Annex G codes the bytes of each sample most significant first from the sample's value, so a
                // big endian frame is first brought into the little endian layout RleFrameLayout describes.
                SwapToLittleEndian(native, littleEndian, pixels.BitsAllocated);
                native = littleEndian;
            }

            RleEncoder.Encode(native, layout, encoded);
            frameEnds[frame] = encoded.WrittenCount;
        }

        var fragments = new ReadOnlyMemory<byte>[pixels.FrameCount];
        byte[] offsetTable = new byte[4 * pixels.FrameCount];
        int start = 0;
        long itemOffset = 0;
        for (int frame = 0; frame < pixels.FrameCount; frame++)
        {
            fragments[frame] = encoded.WrittenMemory[start..frameEnds[frame]];
            // PS3.5 Table A.4-1: offsets count from the first byte of the first fragment's item tag.
            BinaryPrimitives.WriteUInt32LittleEndian(offsetTable.AsSpan(4 * frame), checked((uint)itemOffset));
            itemOffset += ItemHeaderLength + fragments[frame].Length;
            start = frameEnds[frame];
        }

        var element = new DicomFragmentSequence(DicomTag.PixelData, DicomVR.OB, ReadOnlyMemory<byte>.Empty, -1, offsetTable, fragments);
        var elements = file.Dataset.Select(e => e.Tag == DicomTag.PixelData ? element : e).ToList();
        return file.WithPixelDataEncoded(new DicomDataset(elements, file.Dataset.CharacterSet), DicomTransferSyntax.RleLossless);
    }

    private static void SwapToLittleEndian(ReadOnlySpan<byte> source, Span<byte> destination, int bitsAllocated)
    {
        if (bitsAllocated == 16)
        {
            BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(source), MemoryMarshal.Cast<byte, ushort>(destination));
        }
        else
        {
            BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(source), MemoryMarshal.Cast<byte, uint>(destination));
        }
    }
}
