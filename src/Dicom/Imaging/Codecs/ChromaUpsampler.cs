using System.Buffers;

namespace Telemed.Dicom.Imaging.Codecs;

/// <summary>
/// Re-upsamples chroma that JpegLibrary replicated (box filter) with the triangular filter IJG libjpeg uses by
/// default ("fancy upsampling"), so that 4:2:2 and 4:2:0 frames come out as DCMTK's dcmdjpeg gives them. T.81 leaves
/// upsampling to the application (§A.1.1); matching the peer keeps differences down to IDCT rounding. Each output
/// sample weighs the nearer input sample 3/4 and the farther 1/4 in every subsampled direction, edges replicated.
/// </summary>
internal static class ChromaUpsampler
{
    /// <summary>
    /// Rewrites component <paramref name="component"/> of an interleaved frame whose subsampling is
    /// <paramref name="factorX"/> × <paramref name="factorY"/> (2 × 1 or 2 × 2); other factors stay replicated.
    /// </summary>
    public static void Apply(Span<byte> frame, int width, int height, int components, int bytesPerSample, int component, int factorX, int factorY)
    {
        if (factorX != 2 || factorY is not (1 or 2))
        {
            return;
        }

        int planeWidth = (width + 1) / 2;
        int planeHeight = (height + factorY - 1) / factorY;
        int[] plane = ArrayPool<int>.Shared.Rent(planeWidth * planeHeight);
        int[] columnSums = ArrayPool<int>.Shared.Rent(planeWidth);
        try
        {
            for (int j = 0; j < planeHeight; j++)
            {
                for (int i = 0; i < planeWidth; i++)
                {
                    plane[(j * planeWidth) + i] = NativeSamples.Read(frame, ((((j * factorY) * width) + (i * 2)) * components) + component, bytesPerSample);
                }
            }

            for (int y = 0; y < height; y++)
            {
                int j = y / factorY;
                int rowBase = j * planeWidth;
                int shift;
                int evenBias;
                int oddBias;
                if (factorY == 1)
                {
                    // 2 × 1: out = (3 near + far + bias) / 4, bias alternating 1, 2 so that rounding does not drift.
                    for (int i = 0; i < planeWidth; i++)
                    {
                        columnSums[i] = plane[rowBase + i];
                    }

                    shift = 2;
                    evenBias = 1;
                    oddBias = 2;
                }
                else
                {
                    // 2 × 2: first 3/4 of the nearer row plus 1/4 of the farther one, then the same across.
                    int far = (y & 1) == 0 ? Math.Max(j - 1, 0) : Math.Min(j + 1, planeHeight - 1);
                    int farBase = far * planeWidth;
                    for (int i = 0; i < planeWidth; i++)
                    {
                        columnSums[i] = (3 * plane[rowBase + i]) + plane[farBase + i];
                    }

                    shift = 4;
                    evenBias = 8;
                    oddBias = 7;
                }

                for (int x = 0; x < width; x++)
                {
                    int i = x >> 1;
                    int value = (x & 1) == 0
                        ? ((3 * columnSums[i]) + columnSums[Math.Max(i - 1, 0)] + evenBias) >> shift
                        : ((3 * columnSums[i]) + columnSums[Math.Min(i + 1, planeWidth - 1)] + oddBias) >> shift;
                    NativeSamples.Write(frame, (((y * width) + x) * components) + component, bytesPerSample, value);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(plane);
            ArrayPool<int>.Shared.Return(columnSums);
        }
    }
}
