using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Imaging;
using Telemed.Dicom.Imaging.Codecs;
using Telemed.Dicom.Tags;
using Xunit;

namespace Telemed.Dicom.Tests.Imaging;

/// <summary>Corpus selection and codestream mutation shared by the JPEG-LS and JPEG 2000 tests.</summary>
internal static class NativeCodecCorpus
{
    /// <summary>Bytes after the frame that the decoder must never touch.</summary>
    private const int CanaryLength = 64;

    private const byte Canary = 0xA5;

    public static TheoryData<string> FilesWith(params string[] uids)
    {
        var data = new TheoryData<string>();
        foreach (CorpusFile file in TestData.CorpusFiles.Where(f => uids.Any(u => f.TransferSyntax.StartsWith(u + " ", StringComparison.Ordinal))))
        {
            data.Add(file.RelativePath);
        }

        return data;
    }

    /// <summary>The first frame's codestream and what the data set says it decodes to.</summary>
    public static (byte[] Frame, JpegFrameExpectation Expected, bool Signed) FirstFrame(string relativePath)
    {
        DicomFile file = DicomFile.Open(TestData.PathOf(relativePath));
        PixelData pixels = PixelData.FromFile(file);
        var fragments = (DicomFragmentSequence)file.Dataset.First(e => e.Tag == DicomTag.PixelData);
        byte[] frame = EncapsulatedFrames.Get(file.Dataset, fragments, 0, pixels.FrameCount, out _).ToArray();
        return (frame, new JpegFrameExpectation(pixels.Rows, pixels.Columns, pixels.SamplesPerPixel, pixels.BitsAllocated), pixels.IsSigned);
    }

    /// <summary>
    /// Decodes <paramref name="rounds"/> damaged copies of <paramref name="frame"/>: cut short, bits flipped anywhere, bits
    /// flipped in the first 300 bytes (marker segments). Each must decode or end in a DicomException, and the bytes
    /// after the frame in the destination must stay untouched. Returns how many were rejected.
    /// </summary>
    public static int Mutate(byte[] frame, int frameLength, int rounds, int seed, Action<byte[], byte[]> decode)
    {
        var random = new Random(seed);
        byte[] destination = new byte[frameLength + CanaryLength];
        int rejected = 0;
        for (int round = 0; round < rounds; round++)
        {
            byte[] data;
            switch (round % 3)
            {
                case 0:
                    data = frame.AsSpan(0, random.Next(1, frame.Length)).ToArray();
                    break;
                case 1:
                    data = (byte[])frame.Clone();
                    for (int k = 0; k < 1 + (round % 5); k++)
                    {
                        data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                    }

                    break;
                default:
                    data = (byte[])frame.Clone();
                    for (int k = 0; k < 1 + (round % 3); k++)
                    {
                        data[random.Next(Math.Min(300, data.Length))] ^= (byte)(1 << random.Next(8));
                    }

                    break;
            }

            destination.AsSpan(frameLength).Fill(Canary);
            Exception? error = Record.Exception(() => decode(data, destination));
            Assert.True(error is null or DicomException, $"round {round}: {error?.GetType().Name}: {error?.Message}");
            Assert.True(destination.AsSpan(frameLength).IndexOfAnyExcept(Canary) < 0, $"round {round}: the decoder wrote past the frame");
            rejected += error is null ? 0 : 1;
        }

        return rejected;
    }
}
