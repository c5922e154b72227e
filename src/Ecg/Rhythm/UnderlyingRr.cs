namespace Telemed.Ecg.Rhythm;

/// <summary>
/// The RR intervals of the underlying rhythm: the RR series with the intervals that ectopy and pauses explain left out,
/// so that irregularity is judged on what remains. Atrial fibrillation is irregular throughout (the RR series is
/// random: Tateno and Glass, Med Biol Eng Comput 2001); premature beats and pauses in sinus rhythm make a few intervals
/// deviate in a fixed, recognisable way and leave a regular remainder. Only those recognisable patterns are removed,
/// because in AF short and long intervals abound and removing every deviating interval would make AF look regular:
/// <list type="bullet">
/// <item>premature beats unlike the dominant QRS (single, couplet, salvo) whose span from the dominant beat before to
/// the one after is a whole number of reference RR (± <see cref="CompensatoryTolerance"/> of two RR): a full
/// compensatory pause (or an interpolated beat) shows the sinus node was not reset, as after ventricular premature
/// beats (Surawicz and Knilans, Chou's Electrocardiography in Clinical Practice, ch. 17). Beats of the dominant shape
/// are not removed this way: in AF a short interval followed by a long one is common and proves nothing;</item>
/// <item>bigeminy or trigeminy: at least three premature beats (each interval short against the one after it), every
/// second or third beat, with a fixed coupling interval (all within <see cref="FixedCouplingSeconds"/> of their median;
/// a spread over 80 ms is the usual sign of parasystole rather than coupled ectopy): fixed coupling marks re-entrant
/// ectopy, not the random conduction of AF;</item>
/// <item>an isolated pause: an interval over <see cref="PauseFraction"/> of the reference RR (sinus pause, blocked
/// P wave, a beat the detector missed) whose neighbours are of ordinary length.</item>
/// </list>
/// The reference RR is the median RR; in bigeminy it falls between coupling and pause, which the compensatory sum
/// test tolerates.
/// </summary>
/// <param name="ReferenceRr">Median RR of the series (s).</param>
/// <param name="Kept">The remaining intervals, in order.</param>
/// <param name="Compensated">Intervals removed as premature beat + compensatory pause.</param>
/// <param name="Patterned">Intervals removed as bigeminy or trigeminy.</param>
/// <param name="Pauses">Intervals removed as isolated pauses.</param>
internal sealed record UnderlyingRr(double ReferenceRr, double[] Kept, int Compensated, int Patterned, int Pauses)
{
    public const double PrematureFraction = 0.85;
    public const double CompensatoryTolerance = 0.15;
    public const double FixedCouplingSeconds = 0.08;
    public const double PauseFraction = 1.5;

    /// <summary>Neighbours of an isolated pause lie within this fraction of the reference RR.</summary>
    public const double OrdinaryTolerance = 0.2;

    /// <summary>Fewer kept intervals than this are too few to judge the remainder's regularity.</summary>
    public const int MinimumKept = 4;

    public int Removed => Compensated + Patterned + Pauses;

    /// <summary>
    /// Whether the removed intervals explain the irregularity of the <paramref name="total"/> intervals: what is left
    /// is regular (normalized RMSSD within <see cref="RrIrregularity.NormalizedRmssdLimit"/>), or so little is left
    /// that ectopy took at least half the series (bigeminy). Regularity of the remainder is asked, not irregularity:
    /// removing the most deviant intervals of AF leaves a series too short and too tame for the full AF test
    /// (testing the remainder with it cost 5 points of AF sensitivity on MIT-BIH), yet clearly not regular.
    /// </summary>
    public bool ExplainsIrregularity(int total)
    {
        if (Removed == 0)
        {
            return false;
        }

        if (Kept.Length < MinimumKept)
        {
            return (Compensated + Patterned) * 2 >= total;
        }

        return RrIrregularity.Of(Kept) is { } rest && rest.NormalizedRmssd <= RrIrregularity.NormalizedRmssdLimit;
    }

    /// <param name="rr">RR intervals (s); interval k runs from beat k to beat k + 1.</param>
    /// <param name="unlike">Per beat (rr.Count + 1 entries), whether its QRS is unlike the dominant one; null when unknown.</param>
    public static UnderlyingRr Of(IReadOnlyList<double> rr, IReadOnlyList<bool>? unlike = null)
    {
        ArgumentNullException.ThrowIfNull(rr);
        int n = rr.Count;
        if (n == 0)
        {
            return new UnderlyingRr(double.NaN, [], 0, 0, 0);
        }

        if (unlike is not null && unlike.Count != n + 1)
        {
            throw new ArgumentException($"one entry per beat ({n + 1}) expected, got {unlike.Count}", nameof(unlike));
        }

        double reference = Median(rr);
        var removed = new bool[n];
        int compensated = 0, patterned = 0, pauses = 0;

        // Ectopic beats unlike the dominant QRS (one, a couplet or a salvo) between two dominant beats: the first comes
        // early, and when the span from the dominant beat before to the one after is a whole number of reference RR
        // (two for a single premature beat with a full compensatory pause, one for an interpolated beat), the
        // underlying rhythm went on undisturbed and the intervals in between say nothing about it.
        if (unlike is not null)
        {
            for (int b = 1; b < n; b++)
            {
                if (!unlike[b] || unlike[b - 1])
                {
                    continue;
                }

                int last = b;
                while (last + 1 < n && unlike[last + 1])
                {
                    last++;
                }

                if (unlike[last + 1] || rr[b - 1] >= PrematureFraction * reference)
                {
                    b = last;
                    continue;
                }

                // Intervals b - 1 .. last span from the dominant beat b - 1 to the dominant beat last + 1.
                double span = 0;
                for (int k = b - 1; k <= last; k++)
                {
                    span += rr[k];
                }

                // The cycle the pause compensates must be there to see: the intervals around the ectopy are ordinary.
                // (An interval that is itself the pause or coupling of a neighbouring ectopic beat, as in bigeminy, frames it too.)
                bool framed = (b >= 2 || last + 1 < n)
                    && (b < 2 || Ordinary(rr[b - 2], reference) || unlike[b - 2])
                    && (last + 1 >= n || Ordinary(rr[last + 1], reference) || unlike[last + 2]);
                int cycles = Math.Max(1, (int)Math.Round(span / reference));
                if (framed && cycles <= last - b + 2 && Math.Abs(span - (cycles * reference)) <= CompensatoryTolerance * Math.Max(2, cycles) * reference)
                {
                    for (int k = b - 1; k <= last; k++)
                    {
                        removed[k] = true;
                        compensated++;
                    }
                }

                b = last;
            }
        }

        // Premature beats of any shape: a short interval followed by a longer one (interval k ends on the premature beat).
        var premature = new List<int>();
        for (int k = 0; k + 1 < n; k++)
        {
            if (rr[k] < PrematureFraction * Math.Max(reference, rr[k + 1]))
            {
                premature.Add(k);
            }
        }

        // Bigeminy / trigeminy: at least three premature beats at a fixed period of 2 or 3 intervals with fixed coupling.
        foreach (int period in (ReadOnlySpan<int>)[2, 3])
        {
            int start = 0;
            while (start < premature.Count)
            {
                int end = start;
                while (end + 1 < premature.Count && premature[end + 1] - premature[end] == period)
                {
                    end++;
                }

                if (end - start + 1 >= 3)
                {
                    var couplings = new List<double>();
                    for (int p = start; p <= end; p++)
                    {
                        couplings.Add(rr[premature[p]]);
                    }

                    double typical = Median(couplings);
                    if (couplings.All(c => Math.Abs(c - typical) <= FixedCouplingSeconds))
                    {
                        for (int p = start; p <= end; p++)
                        {
                            foreach (int k in (ReadOnlySpan<int>)[premature[p], premature[p] + 1])
                            {
                                if (!removed[k])
                                {
                                    removed[k] = true;
                                    patterned++;
                                }
                            }
                        }
                    }
                }

                start = end + 1;
            }
        }

        for (int k = 0; k < n; k++)
        {
            if (!removed[k] && rr[k] > PauseFraction * reference && (k == 0 || Ordinary(rr[k - 1], reference)) && (k + 1 == n || Ordinary(rr[k + 1], reference)))
            {
                removed[k] = true;
                pauses++;
            }
        }

        var kept = new List<double>(n);
        for (int k = 0; k < n; k++)
        {
            if (!removed[k])
            {
                kept.Add(rr[k]);
            }
        }

        return new UnderlyingRr(reference, [.. kept], compensated, patterned, pauses);
    }

    private static bool Ordinary(double rr, double reference) => Math.Abs(rr - reference) <= OrdinaryTolerance * reference;

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}
