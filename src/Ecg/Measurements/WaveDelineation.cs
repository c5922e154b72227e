namespace Telemed.Ecg.Measurements;

/// <summary>
/// Global delineation of the median beats, all leads together. QRS onset/offset: spatial velocity
/// (sum over leads of |dV/dt|) falling below a threshold relative to the QRS peak velocity and the noise
/// floor, for a minimum run (so a brief slope null at the R apex does not end the QRS) — the multi-lead
/// approach of the CSE-era programs (Willems et al., CSE Working Party, 1985/1987). T end: tangent
/// method on the spatial T magnitude (see <see cref="FindTEnd"/>). P onset: spatial velocity of a smoother
/// derivative, backwards from the P wave's steepest point.
/// </summary>
internal static class WaveDelineation
{
    /// <summary>
    /// QRS boundaries: spatial velocity below this fraction of its QRS peak. 2 % suits twelve clean synthetic leads,
    /// whose sum of QRS slopes dwarfs everything else; with the two leads of a Holter record (MIT-BIH: MLII + V1/V2/V5)
    /// the ST upslope and a 10-beat median's residual noise sit above 2 % and pushed the J point into the ST segment
    /// (QRS 119 ms on record 100, whose QRS is ~80 ms). 4 % keeps wide complexes wide (RBBB of record 232: ~150 ms).
    /// </summary>
    private const double QrsFraction = 0.04;
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

        double threshold = Math.Max(QrsFraction * peakVelocity, 4 * noise);
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

    /// <summary>
    /// T end by the tangent method (steepest T downslope extended to the isoelectric line; Postema &amp; Wilde,
    /// Curr Cardiol Rev 2014) applied to the spatial T magnitude √Σ(x − baseline)² of all leads. One curve for all
    /// leads, so a lead whose T wave is flat or biphasic cannot pull the answer, and the T peak is where the heart
    /// vector is largest (on 2-lead Holter records a late U wave can outgrow the T wave in one lead but not overall).
    /// The T peak is sought before the next beat's P wave: up to RR − 0.3 s after the fiducial (0.25–0.6 s).
    /// </summary>
    private static int? FindTEnd(float[][] medians, double[] baseline, int jPoint, int fiducial, double fs, double? rr)
    {
        int n = medians[0].Length;
        int from = jPoint + (int)Math.Round(0.06 * fs);
        double reach = Math.Clamp((rr ?? 1.0) - 0.3, 0.25, 0.6);
        int to = Math.Min(n - 2, fiducial + (int)Math.Round(reach * fs));
        if (to - from < (int)Math.Round(0.04 * fs))
        {
            return null;
        }

        var magnitude = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int l = 0; l < medians.Length; l++)
            {
                double a = medians[l][i] - baseline[l];
                sum += a * a;
            }

            magnitude[i] = Math.Sqrt(sum);
        }

        int peak = ArgMax(magnitude, from, to);
        double amplitude = magnitude[peak];

        // T waves under 0.05 mV are not measurable against ordinary noise.
        if (amplitude < 0.05)
        {
            return null;
        }

        // Steepest fall after the peak, until the magnitude is back within 10 % of the peak.
        int slopeHalf = Math.Max(1, (int)Math.Round(0.01 * fs));
        int last = Math.Min(n - 1 - slopeHalf, to + (int)Math.Round(0.15 * fs));
        double steepest = 0;
        int at = -1;
        for (int i = Math.Max(peak + 1, slopeHalf); i <= last; i++)
        {
            double fall = (magnitude[i - slopeHalf] - magnitude[i + slopeHalf]) / (2.0 * slopeHalf);
            if (fall > steepest)
            {
                steepest = fall;
                at = i;
            }

            if (magnitude[i] < 0.1 * amplitude)
            {
                break;
            }
        }

        if (at < 0)
        {
            return null;
        }

        // Tangent m(at) − steepest·(t − at) meets zero at t = at + m(at)/steepest.
        int tEnd = (int)Math.Round(at + (magnitude[at] / steepest));
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
