namespace Telemed.Ecg.Evaluation;

/// <summary>Beat-by-beat counts for one record (ANSI/AAMI EC57 QRS detection statistics).</summary>
public sealed record BeatMatchResult(string Record, int TruePositives, int FalseNegatives, int FalsePositives)
{
    /// <summary>Mean time from reference beat to matched detection (s): how the fiducial point sits.</summary>
    public double MeanOffset { get; init; }

    /// <summary>Standard deviation of that time (s): how steadily the fiducial point is placed.</summary>
    public double OffsetSpread { get; init; }

    /// <summary>Sensitivity TP / (TP + FN); 1 when the reference has no beats.</summary>
    public double Sensitivity => TruePositives + FalseNegatives == 0 ? 1 : (double)TruePositives / (TruePositives + FalseNegatives);

    /// <summary>Positive predictivity TP / (TP + FP); 1 when nothing was detected.</summary>
    public double PositivePredictivity => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>Gross totals: sums the counts of <paramref name="results"/> (EC57 "gross" statistics).</summary>
    public static BeatMatchResult Gross(string name, IEnumerable<BeatMatchResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        int tp = 0, fn = 0, fp = 0;
        foreach (var r in results)
        {
            tp += r.TruePositives;
            fn += r.FalseNegatives;
            fp += r.FalsePositives;
        }

        return new BeatMatchResult(name, tp, fn, fp);
    }
}
