namespace Telemed.Ecg.Measurements;

/// <summary>
/// Forms median beats: drops premature beats (RR-based), keeps at most <see cref="MaximumBeats"/> beats of the
/// dominant rate, re-aligns every beat on the dominant QRS by cross-correlation (a detector's fiducial wanders a few
/// milliseconds), drops beats whose QRS does not correlate with the dominant morphology (ectopics, artefacts), then
/// takes the sample-wise interquartile mean.
/// </summary>
internal static class MedianBeatBuilder
{
    // A beat is premature when it comes sooner than this fraction of the median RR.
    private const double PrematureFraction = 0.8;

    // Minimum correlation with the dominant QRS for a beat to count as the same morphology.
    private const double MinimumCorrelation = 0.9;

    /// <summary>
    /// At most this many beats go into a median beat. A resting ECG holds 10–15 beats; a Holter-length record
    /// holds thousands, over which rate (and with it QT) and baseline change, so averaging all of them blurs the
    /// T wave and costs time. The beats whose preceding RR lies nearest the median RR are kept: the dominant rhythm
    /// at its typical rate.
    /// </summary>
    internal const int MaximumBeats = 200;

    internal readonly record struct Result(float[][] Medians, int BeatsUsed, int BeatsExcluded);

    /// <param name="leads">Filtered leads in millivolts, all of one length.</param>
    /// <param name="fiducials">Beat fiducials (samples), ascending.</param>
    /// <param name="pre">Samples kept before the fiducial.</param>
    /// <param name="post">Samples kept after the fiducial.</param>
    public static Result Build(float[][] leads, int[] fiducials, double samplingRate, int pre, int post)
    {
        int length = leads[0].Length;
        int maxLag = Math.Max(1, (int)Math.Round(0.02 * samplingRate));
        int qrsHalf = Math.Max(2, (int)Math.Round(0.08 * samplingRate));

        // Candidates: the whole window, shifted by any lag, must lie inside the record.
        var candidates = new List<int>(fiducials.Length);
        for (int b = 0; b < fiducials.Length; b++)
        {
            int f = fiducials[b];
            if (f - pre - maxLag >= 0 && f + post + maxLag < length)
            {
                candidates.Add(b);
            }
        }

        if (candidates.Count == 0)
        {
            return new Result([], 0, fiducials.Length);
        }

        var regular = DominantRate(fiducials, DropPremature(fiducials, candidates));

        // Template of the QRS region: sample-wise median over the regular beats, all leads end to end.
        int window = (2 * qrsHalf) + 1;
        var template = new float[leads.Length * window];
        var column = new float[regular.Count];
        for (int l = 0; l < leads.Length; l++)
        {
            var lead = leads[l];
            for (int k = 0; k < window; k++)
            {
                for (int j = 0; j < regular.Count; j++)
                {
                    column[j] = lead[fiducials[regular[j]] - qrsHalf + k];
                }

                template[(l * window) + k] = Median(column);
            }
        }

        // Align each beat on the template and score it.
        var aligned = new int[regular.Count];
        var correlation = new double[regular.Count];
        for (int j = 0; j < regular.Count; j++)
        {
            int f = fiducials[regular[j]];
            double best = double.NegativeInfinity;
            int bestLag = 0;
            for (int lag = -maxLag; lag <= maxLag; lag++)
            {
                double r = Correlate(leads, template, window, f + lag - qrsHalf);
                if (r > best)
                {
                    best = r;
                    bestLag = lag;
                }
            }

            aligned[j] = f + bestLag;
            correlation[j] = best;
        }

        var chosen = new List<int>(regular.Count);
        for (int j = 0; j < regular.Count; j++)
        {
            if (correlation[j] >= MinimumCorrelation)
            {
                chosen.Add(aligned[j]);
            }
        }

        if (chosen.Count < Math.Min(3, regular.Count))
        {
            // No dominant morphology (e.g. very noisy): keep the better-correlated half rather than nothing.
            var order = Enumerable.Range(0, regular.Count).OrderByDescending(j => correlation[j]).ToArray();
            chosen.Clear();
            for (int i = 0; i < Math.Max(1, (order.Length + 1) / 2); i++)
            {
                chosen.Add(aligned[order[i]]);
            }
        }

        int span = pre + post + 1;
        var medians = new float[leads.Length][];
        var values = new float[chosen.Count];
        for (int l = 0; l < leads.Length; l++)
        {
            var lead = leads[l];
            var median = new float[span];
            for (int k = 0; k < span; k++)
            {
                for (int j = 0; j < chosen.Count; j++)
                {
                    values[j] = lead[chosen[j] - pre + k];
                }

                median[k] = InterquartileMean(values);
            }

            medians[l] = median;
        }

        return new Result(medians, chosen.Count, fiducials.Length - chosen.Count);
    }

    private static List<int> DropPremature(int[] fiducials, List<int> candidates)
    {
        if (fiducials.Length < 3)
        {
            return candidates;
        }

        var rr = new double[fiducials.Length - 1];
        for (int i = 0; i < rr.Length; i++)
        {
            rr[i] = fiducials[i + 1] - fiducials[i];
        }

        double medianRr = MedianOf(rr);
        var regular = new List<int>(candidates.Count);
        foreach (int b in candidates)
        {
            if (b == 0 || fiducials[b] - fiducials[b - 1] >= PrematureFraction * medianRr)
            {
                regular.Add(b);
            }
        }

        // Irregular rhythms (AF) have no "regular" majority: then every beat is a fair sample.
        return regular.Count >= Math.Max(3, candidates.Count / 2) ? regular : candidates;
    }

    // The beats nearest the median RR (both neighbours), at most MaximumBeats of them, in time order.
    private static List<int> DominantRate(int[] fiducials, List<int> regular)
    {
        if (regular.Count <= MaximumBeats)
        {
            return regular;
        }

        var rr = new double[fiducials.Length - 1];
        for (int i = 0; i < rr.Length; i++)
        {
            rr[i] = fiducials[i + 1] - fiducials[i];
        }

        double medianRr = MedianOf(rr);
        double Deviation(int b) =>
            Math.Abs((b > 0 ? rr[b - 1] : medianRr) - medianRr) + Math.Abs((b < rr.Length ? rr[b] : medianRr) - medianRr);

        var kept = regular.OrderBy(Deviation).ThenBy(b => b).Take(MaximumBeats).ToList();
        kept.Sort();
        return kept;
    }

    /// <summary>
    /// Mean of the central half of <paramref name="values"/> (reorders them). As robust as the median to a few
    /// outlying beats, but on 11-bit data (MIT-BIH: 200 ADU/mV, 5 µV steps) the plain median jumps between ADC
    /// levels from one sample to the next, and that step noise swamps the slopes delineation looks for.
    /// </summary>
    internal static float InterquartileMean(Span<float> values)
    {
        values.Sort();
        int n = values.Length;
        if (n < 4)
        {
            return n % 2 == 1 ? values[n / 2] : 0.5f * (values[(n / 2) - 1] + values[n / 2]);
        }

        int from = n / 4, to = n - (n / 4);
        double sum = 0;
        for (int i = from; i < to; i++)
        {
            sum += values[i];
        }

        return (float)(sum / (to - from));
    }

    // Pearson correlation of the template with the leads' samples starting at start (all leads end to end).
    private static double Correlate(float[][] leads, float[] template, int window, int start)
    {
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        int n = 0;
        for (int l = 0; l < leads.Length; l++)
        {
            var seg = leads[l].AsSpan(start, window);
            var tpl = template.AsSpan(l * window, window);
            for (int k = 0; k < window; k++)
            {
                double x = seg[k];
                double y = tpl[k];
                sx += x;
                sy += y;
                sxx += x * x;
                syy += y * y;
                sxy += x * y;
            }

            n += window;
        }

        double cov = sxy - (sx * sy / n);
        double vx = sxx - (sx * sx / n);
        double vy = syy - (sy * sy / n);
        return vx > 0 && vy > 0 ? cov / Math.Sqrt(vx * vy) : 0;
    }

    /// <summary>Median of <paramref name="values"/>; reorders them.</summary>
    internal static float Median(Span<float> values)
    {
        values.Sort();
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : 0.5f * (values[(n / 2) - 1] + values[n / 2]);
    }

    internal static double MedianOf(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            return double.NaN;
        }

        var copy = values.ToArray();
        Array.Sort(copy);
        int n = copy.Length;
        return n % 2 == 1 ? copy[n / 2] : 0.5 * (copy[(n / 2) - 1] + copy[n / 2]);
    }
}
