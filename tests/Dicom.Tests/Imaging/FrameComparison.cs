using System.Globalization;
using Telemed.Dicom.Imaging;
using Xunit;

namespace Telemed.Dicom.Tests.Imaging;

/// <summary>Sample-by-sample difference between our decoded frames and a peer's native (decompressed) file.</summary>
internal sealed record FrameComparison(int Frames, long Samples, long Differing, int MaxDifference, double MeanDifference)
{
    public static FrameComparison Of(PixelData mine, PixelData theirs)
    {
        Assert.True(mine.IsEncapsulated);
        Assert.False(theirs.IsEncapsulated);
        Assert.Equal((theirs.FrameCount, theirs.SamplesPerFrame, theirs.PhotometricInterpretation), (mine.FrameCount, mine.SamplesPerFrame, mine.PhotometricInterpretation));
        int[] a = new int[mine.SamplesPerFrame];
        int[] b = new int[theirs.SamplesPerFrame];
        int max = 0;
        long sum = 0;
        long differing = 0;
        for (int frame = 0; frame < mine.FrameCount; frame++)
        {
            mine.DecodeFrame(frame, a);
            theirs.DecodeFrame(frame, b);
            for (int i = 0; i < a.Length; i++)
            {
                int d = Math.Abs(a[i] - b[i]);
                max = Math.Max(max, d);
                sum += d;
                differing += d > 0 ? 1 : 0;
            }
        }

        long samples = (long)a.Length * mine.FrameCount;
        return new FrameComparison(mine.FrameCount, samples, differing, max, (double)sum / samples);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Frames} frame(s), {Samples} samples, {Differing} differ, max |d| {MaxDifference}, mean |d| {MeanDifference:F4}");
}
