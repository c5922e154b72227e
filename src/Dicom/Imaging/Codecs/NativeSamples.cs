using System.Buffers.Binary;

namespace Telemed.Dicom.Imaging.Codecs;

/// <summary>Reads and writes one sample of a decoded frame in native layout (PS3.5 §8.1.1: little endian words).</summary>
internal static class NativeSamples
{
    public static int Read(Span<byte> frame, int sample, int bytesPerSample) =>
        bytesPerSample == 1 ? frame[sample] : BinaryPrimitives.ReadUInt16LittleEndian(frame.Slice(sample * 2, 2));

    public static void Write(Span<byte> frame, int sample, int bytesPerSample, int value)
    {
        if (bytesPerSample == 1)
        {
            frame[sample] = (byte)value;
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(frame.Slice(sample * 2, 2), (ushort)value);
        }
    }
}
