namespace Telemed.Ecg.ScpEcg;

/// <summary>
/// Bimodal compression (EN 1064 §5.9): inside the protected zones of section 4 (the QRS complexes) the rhythm keeps the
/// reference beat's sample rate; elsewhere it is decimated by the ratio of the section 6 and section 5 sample intervals
/// (2–4), one stored value being the mean of a block of that many samples. The stored values follow the signal in time:
/// zone samples one by one, and between zones one value per block (the last block of a gap may be shorter).
/// Decoding interpolates linearly between block centres; the protected samples come back exactly.
/// </summary>
internal static class ScpBimodal
{
    public const int MaxFactor = 4;

    /// <summary>The signal as alternating runs; zones are 1-based inclusive sample ranges, clipped, sorted and merged here.</summary>
    public static List<(int Start, int Length, bool Protected)> Layout(int n, IEnumerable<(long Start, long End)> zones)
    {
        var merged = new List<(int Start, int End)>();
        foreach (var (start, end) in zones.Select(z => (Start: Math.Max(1, z.Start), End: Math.Min(n, z.End))).Where(z => z.Start <= z.End).OrderBy(z => z.Start))
        {
            if (merged.Count > 0 && start <= merged[^1].End + 1)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, (int)end));
            }
            else
            {
                merged.Add(((int)start, (int)end));
            }
        }

        var runs = new List<(int Start, int Length, bool Protected)>(2 * merged.Count + 1);
        int next = 0; // 0-based first sample not yet covered
        foreach (var (start, end) in merged)
        {
            if (start - 1 > next)
            {
                runs.Add((next, start - 1 - next, false));
            }

            runs.Add((start - 1, end - start + 1, true));
            next = end;
        }

        if (next < n)
        {
            runs.Add((next, n - next, false));
        }

        return runs;
    }

    public static long StoredCount(List<(int Start, int Length, bool Protected)> runs, int factor) =>
        runs.Sum(r => r.Protected ? (long)r.Length : ((long)r.Length + factor - 1) / factor);

    /// <summary>The writer's side: protected samples as they are, each block of the gaps as its rounded mean.</summary>
    public static int[] Decimate(ReadOnlySpan<int> signal, List<(int Start, int Length, bool Protected)> runs, int factor)
    {
        var stored = new int[StoredCount(runs, factor)];
        int k = 0;
        foreach (var (start, length, isProtected) in runs)
        {
            if (isProtected)
            {
                signal.Slice(start, length).CopyTo(stored.AsSpan(k));
                k += length;
                continue;
            }

            for (int b = 0; b < length; b += factor)
            {
                int size = Math.Min(factor, length - b);
                long sum = 0;
                for (int i = 0; i < size; i++)
                {
                    sum += signal[start + b + i];
                }

                stored[k++] = (int)Math.Round(sum / (double)size, MidpointRounding.AwayFromZero);
            }
        }

        return stored;
    }

    /// <summary>The reader's side: full-rate samples from the stored values.</summary>
    public static int[] Expand(ReadOnlySpan<int> stored, List<(int Start, int Length, bool Protected)> runs, int factor, int n)
    {
        var signal = new int[n];
        int k = 0;
        foreach (var (start, length, isProtected) in runs)
        {
            if (isProtected)
            {
                stored.Slice(k, length).CopyTo(signal.AsSpan(start));
                k += length;
                continue;
            }

            int blocks = (length + factor - 1) / factor;
            for (int t = 0; t < length; t++)
            {
                int block = t / factor;
                double centre = Centre(block, length, factor);
                int other = t < centre ? block - 1 : block + 1;
                if (other < 0 || other >= blocks)
                {
                    signal[start + t] = stored[k + block]; // before the first or after the last centre: hold
                    continue;
                }

                double otherCentre = Centre(other, length, factor);
                double weight = (t - centre) / (otherCentre - centre);
                signal[start + t] = (int)Math.Round(stored[k + block] + (weight * (stored[k + other] - stored[k + block])));
            }

            k += blocks;
        }

        return signal;
    }

    private static double Centre(int block, int length, int factor)
    {
        int first = block * factor;
        int size = Math.Min(factor, length - first);
        return first + ((size - 1) / 2.0);
    }
}
