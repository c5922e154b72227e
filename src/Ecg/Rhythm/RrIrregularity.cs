namespace Telemed.Ecg.Rhythm;

/// <summary>
/// Short-record RR irregularity for atrial fibrillation screening: normalized RMSSD (RMSSD / mean RR, AF
/// above 0.1), the share of successive RR differences over 6.5 % of the mean RR, and the turning-point ratio
/// (random series ≈ 2/3; alternation = 1 is bigeminy, "regularly irregular"). After Dash et al., Ann Biomed Eng
/// 2009, adapted to the ~10 beats of a resting ECG.
/// </summary>
internal sealed record RrIrregularity(int Intervals, double NormalizedRmssd, double LargeDifferenceShare, double TurningPointRatio)
{
    public const int MinimumIntervals = 7;
    public const double NormalizedRmssdLimit = 0.1;
    public const double LargeDifferenceFraction = 0.065;
    public const double LargeDifferenceShareLimit = 0.6;
    public const double AlternationLimit = 0.9;

    public bool IrregularlyIrregular =>
        Intervals >= MinimumIntervals
        && NormalizedRmssd > NormalizedRmssdLimit
        && LargeDifferenceShare >= LargeDifferenceShareLimit
        && TurningPointRatio <= AlternationLimit;

    public static RrIrregularity? Of(ReadOnlySpan<double> rr)
    {
        if (rr.Length < 3)
        {
            return null;
        }

        double mean = 0;
        foreach (double v in rr)
        {
            mean += v;
        }

        mean /= rr.Length;
        double sumSquares = 0;
        int large = 0;
        for (int i = 1; i < rr.Length; i++)
        {
            double d = rr[i] - rr[i - 1];
            sumSquares += d * d;
            if (Math.Abs(d) > LargeDifferenceFraction * mean)
            {
                large++;
            }
        }

        int turning = 0;
        for (int i = 1; i < rr.Length - 1; i++)
        {
            if ((rr[i] > rr[i - 1] && rr[i] > rr[i + 1]) || (rr[i] < rr[i - 1] && rr[i] < rr[i + 1]))
            {
                turning++;
            }
        }

        double rmssd = Math.Sqrt(sumSquares / (rr.Length - 1));
        return new RrIrregularity(rr.Length, rmssd / mean, (double)large / (rr.Length - 1), (double)turning / (rr.Length - 2));
    }
}
