using System.Buffers.Binary;
using System.Runtime.InteropServices;
using JpegLibrary;

namespace Telemed.Dicom.Imaging.Codecs;

/// <summary>
/// Receives JpegLibrary's 8 × 8 blocks of reconstructed samples (already upsampled to the full image grid) and stores
/// them colour-by-pixel in a native-layout frame: one byte per sample for Bits Allocated 8, two little-endian bytes
/// for 16. Blocks overhanging the right and bottom edges (ITU-T T.81 §A.2.4 pads to whole blocks) are cut.
/// </summary>
internal sealed class JpegSampleWriter(byte[] frame, int width, int height, int components, int bytesPerSample, bool lossless, int precision)
    : JpegBlockOutputWriter
{
    private const int BlockSize = 8;

    // T.81 §H.1.2.1: lossless reconstruction is modulo 2^16; JpegLibrary keeps samples in a short, so a 16-bit
    // sample above 32767 arrives negative and its low P bits are the value.
    private readonly int mask = (1 << precision) - 1;

    // T.81 §A.3.1: after the inverse DCT and level shift, samples are clamped to 0 .. 2^P − 1.
    private readonly int maximum = (1 << precision) - 1;

    public override void WriteBlock(ref short blockRef, int componentIndex, int x, int y)
    {
        if (x >= width || y >= height || (uint)componentIndex >= (uint)components)
        {
            return;
        }

        ReadOnlySpan<short> block = MemoryMarshal.CreateReadOnlySpan(ref blockRef, BlockSize * BlockSize);
        int columns = Math.Min(BlockSize, width - x);
        int rows = Math.Min(BlockSize, height - y);
        Span<byte> target = frame;
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<short> line = block.Slice(row * BlockSize, columns);
            int at = ((((y + row) * width) + x) * components) + componentIndex;
            for (int column = 0; column < columns; column++, at += components)
            {
                int value = lossless ? line[column] & mask : Math.Clamp((int)line[column], 0, maximum);
                if (bytesPerSample == 1)
                {
                    target[at] = (byte)value;
                }
                else
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(target.Slice(at * 2, 2), (ushort)value);
                }
            }
        }
    }
}
