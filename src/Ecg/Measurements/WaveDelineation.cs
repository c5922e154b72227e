namespace Telemed.Ecg.Measurements;

/// <summary>
/// Global delineation of the median beats, all leads together. QRS onset/offset: spatial velocity
/// (sum over leads of |dV/dt|) falling below a threshold relative to the QRS peak velocity and the noise
/// floor, for a minimum run (so a brief slope null at the R apex does not end the QRS) — the multi-lead
/// approach of the CSE-era programs (Willems et al., CSE Working Party, 1985/1987). T end: tangent
/// method per lead (steepest T downslope extended to the isoelectric line; Postema &amp; Wilde, Curr Cardiol
/// Rev 2014), median over the leads with prominent T waves. P onset: spatial velocity of a smoother
/// derivative, backwards from the P wave's steepest point.
/// </summary>
internal static class WaveDelineation
{
    internal readonly record struct Result(int QrsOnset, int QrsOffset, int? POnset, int? TEnd, double[] Baseline);

    public static Result? Delineate(float[][] medians, int fiducial, double fs, double? medianRrSeconds)
    {
        int n = medians[0].Length;
        int Samples(double seconds) => Math.Max(1, (int)Math.Round(seconds * fs));

        // QRS: 4 ms half-span derivative (one sample at low rates).
        var sv = SpatialVelocity(medians, fs, Math.Max(1, (int)Math.Round(0.004 * fs)));
        int searchFrom = Math.Max(0, fiducial - Samples(0.08));
        int searchTo = Math.Min(n - 1, fiducial + Samples(0.08));
        int peak = ArgMax(sv, searchFrom, searchTo);
        double peakVelocity = sv[peak];
        double noise = Percentile(sv, 0.1);
        if (!(peakVelocity > 10 * noise) || peakVelocity <= 0)
        {
            return null;
        }

        double threshold = Math.Max(0.02 * peakVelocity, 4 * noise);
        int run = Math.Max(2, Samples(0.012));
        int? onset = FindQuiet(sv, peak, -1, threshold, run, Math.Max(0, fiducial - Samples(0.2)));
        int? offset = FindQuiet(sv, peak, +1, threshold, run, Math.Min(n - 1, fiducial + Samples(0.2)));
        if (onset is not int qrsOnset || offset is not int qrsOffset)
        {
            return null;
        }

        var baseline = IsoelectricLevels(medians, sv, qrsOnset, fs);

        // T and P are slow waves: a 10 ms half-span derivative keeps their slopes above the noise.
        var slowVelocity = SpatialVelocity(medians, fs, Math.Max(1, (int)Math.Round(0.010 * fs)));
        int? tEnd = FindTEnd(medians, baseline, qrsOffset, fiducial, fs, medianRrSeconds);
        int? pOnset = FindPOnset(medians, baseline, slowVelocity, qrsOnset, tEnd, fs, medianRrSeconds);
        return new Result(qrsOnset, qrsOffset, pOnset, tEnd, baseline);
    }

    /// <summary>Sum over leads of |central difference| in mV/s, zero at the edges.</summary>
    internal static double[] SpatialVelocity(float[][] medians, double fs, int halfSpan)
    {
        int n = medians[0].Length;
        var sv = new double[n];
        double scale = fs / (2.0 * halfSpan);
        foreach (var x in medians)
        {
            for (int i = halfSpan; i < n - halfSpan; i++)
            {
                sv[i] += Math.Abs(x[i + halfSpan] - x[i - halfSpan]) * scale;
            }
        }

        return sv;
    }

    // From start, step in direction until `run` consecutive samples are below threshold; returns the first of them.
    private static int? FindQuiet(double[] sv, int start, int direction, double threshold, int run, int limit)
    {
        int quiet = 0;
        for (int i = start; direction < 0 ? i >= limit : i <= limit; i += direction)
        {
            if (sv[i] < threshold)
            {
                quiet++;
                if (quiet >= run)
                {
                    return i - (direction * (run - 1));
                }
            }
            else
            {
                quiet = 0;
            }
        }

        return null;
    }

    // The PR-segment level per lead: the mean of the 20 ms stretch before QRS onset where all leads are stillest.
    private static double[] IsoelectricLevels(float[][] medians, double[] sv, int qrsOnset, double fs)
    {
        int width = Math.Max(2, (int)Math.Round(0.02 * fs));
        int earliest = Math.Max(0, qrsOnset - (int)Math.Round(0.08 * fs));
        int latest = Math.Max(earliest, qrsOnset - width);
        int bestStart = latest;
        double bestEnergy = double.PositiveInfinity;
        for (int s = earliest; s <= latest; s++)
        {
            double energy = 0;
            for (int i = s; i < s + width; i++)
            {
                energy += sv[i];
            }

            if (energy < bestEnergy)
            {
                bestEnergy = energy;
                bestStart = s;
            }
        }

        var levels = new double[medians.Length];
        for (int l = 0; l < medians.Length; l++)
        {
            double sum = 0;
            for (int i = bestStart; i < bestStart + width; i++)
            {
                sum += medians[l][i];
            }

            levels[l] = sum / width;
        }

        return levels;
    }

    private static int? FindTEnd(float[][] medians, double[] baseline, int jPoint, int fiducial, double fs, double? rr)
    {
        int n = medians[0].Length;
        int from = jPoint + (int)Math.Round(0.06 * fs);
        double reach = Math.Min(0.6, Math.Max(0.25, 0.8 * (rr ?? 1.0)));
        int to = Math.Min(n - 2, fiducial + (int)Math.Round(reach * fs));
        if (to - from < (int)Math.Round(0.04 * fs))
        {
            return null;
        }

        int slopeHalf = Math.Max(1, (int)Math.Round(0.01 * fs));
        var amplitude = new double[medians.Length];
        var peakAt = new int[medians.Length];
        double largest = 0;
        for (int l = 0; l < medians.Length; l++)
        {
            var x = medians[l];
            for (int i = from; i <= to; i++)
            {
                double a = x[i] - baseline[l];
                if (Math.Abs(a) > Math.Abs(amplitude[l]))
                {
                    amplitude[l] = a;
                    peakAt[l] = i;
                }
            }

            largest = Math.Max(largest, Math.Abs(amplitude[l]));
        }

        // T waves under 0.05 mV are not measurable against ordinary noise.
        if (largest < 0.05)
        {
            return null;
        }

        var ends = new List<double>(medians.Length);
        for (int l = 0; l < medians.Length; l++)
        {
            if (Math.Abs(amplitude[l]) < 0.5 * largest)
            {
                continue;
            }

            var x = medians[l];
            double sign = Math.Sign(amplitude[l]);

            // Steepest return towards baseline after the peak, until the wave is back within 10 % of its amplitude.
            double steepest = 0;
            int at = -1;
            for (int i = peakAt[l] + 1; i <= Math.Min(n - 1 - slopeHalf, to + (int)Math.Round(0.1 * fs)); i++)
            {
                if (i - slopeHalf < 0)
                {
                    continue;
                }

                double slope = (x[i + slopeHalf] - x[i - slopeHalf]) / (2.0 * slopeHalf);
                double towardBaseline = -sign * slope;
                if (towardBaseline > steepest)
                {
                    steepest = towardBaseline;
                    at = i;
                }

                if (sign * (x[i] - baseline[l]) < 0.1 * Math.Abs(amplitude[l]))
                {
                    break;
                }
            }

            if (at < 0)
            {
                continue;
            }

            // Tangent x(at) + slope·(t − at) meets the baseline at t = at + (x(at) − baseline)/(−slope).
            double end = at + (sign * (x[at] - baseline[l]) / steepest);
            ends.Add(end);
        }

        if (ends.Count == 0)
        {
            return null;
        }

        ends.Sort();
        double median = ends.Count % 2 == 1 ? ends[ends.Count / 2] : 0.5 * (ends[(ends.Count / 2) - 1] + ends[ends.Count / 2]);
        int tEnd = (int)Math.Round(median);
        return tEnd > jPoint && tEnd < n ? tEnd : null;
    }

    private static int? FindPOnset(float[][] medians, double[] baseline, double[] sv, int qrsOnset, int? tEnd, double fs, double? rr)
    {
        // P search window: up to 300 ms before QRS onset (PR rarely longer without being a block the
        // cardiologist will read), not reaching back into the previous beat's T wave.
        int from = Math.Max(1, qrsOnset - (int)Math.Round(0.30 * fs));
        if (tEnd is int t && rr is double r)
        {
            from = Math.Max(from, t - (int)Math.Round(r * fs) + (int)Math.Round(0.02 * fs));
        }

        int to = qrsOnset - (int)Math.Round(0.02 * fs);
        if (to - from < (int)Math.Round(0.04 * fs))
        {
            return null;
        }

        // The P wave: the largest deviation from the isoelectric line within the window.
        double largest = 0;
        int lead = -1;
        for (int l = 0; l < medians.Length; l++)
        {
            for (int i = from; i <= to; i++)
            {
                double a = Math.Abs(medians[l][i] - baseline[l]);
                if (a > largest)
                {
                    largest = a;
                    lead = l;
                }
            }
        }

        // Under 0.05 mV is no measurable P wave (normal P: 0.05–0.25 mV).
        if (lead < 0 || largest < 0.05)
        {
            return null;
        }

        int steepest = ArgMax(sv, from, to);
        double pVelocity = sv[steepest];
        double floor = Percentile(sv, 0.2);
        if (!(pVelocity > 3 * floor))
        {
            return null;
        }

        double threshold = Math.Max(0.1 * pVelocity, 1.5 * floor);
        int run = Math.Max(2, (int)Math.Round(0.01 * fs));
        int? onset = FindQuiet(sv, steepest, -1, threshold, run, Math.Max(0, from - (int)Math.Round(0.05 * fs)));

        // A true onset sits near the isoelectric line; a "quiet" point high on the wave is a P apex cut off by the
        // window (P hidden in the previous T wave at fast rates): then there is no measurable P onset.
        return onset is int o && o < steepest && Math.Abs(medians[lead][o] - baseline[lead]) < 0.3 * largest ? o : null;
    }

    private static int ArgMax(double[] values, int from, int to)
    {
        int best = from;
        for (int i = from + 1; i <= to; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static double Percentile(double[] values, double fraction)
    {
        var copy = (double[])values.Clone();
        Array.Sort(copy);
        return copy[(int)Math.Clamp(Math.Round(fraction * (copy.Length - 1)), 0, copy.Length - 1)];
    }
}
