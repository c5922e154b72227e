using Telemed.Ecg.Rhythm;

namespace Telemed.Ecg.Evaluation;

/// <summary>Window-level confusion counts of one flag kind against the reference rhythm.</summary>
public sealed record FlagScore(EcgFlagKind Kind, int TruePositives, int FalseNegatives, int FalsePositives, int TrueNegatives, int Excluded, int ExcludedFlagged)
{
    /// <summary>TP / (TP + FN); NaN without positive windows.</summary>
    public double Sensitivity => Ratio(TruePositives, TruePositives + FalseNegatives);

    /// <summary>TN / (TN + FP); NaN without negative windows.</summary>
    public double Specificity => Ratio(TrueNegatives, TrueNegatives + FalsePositives);

    /// <summary>TP / (TP + FP): of the windows flagged, how many were right; NaN when nothing was flagged.</summary>
    public double PositivePredictiveValue => Ratio(TruePositives, TruePositives + FalsePositives);

    public static FlagScore Of(EcgFlagKind kind, IEnumerable<RhythmWindow> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        int tp = 0, fn = 0, fp = 0, tn = 0, excluded = 0, excludedFlagged = 0;
        foreach (var w in windows)
        {
            bool flagged = w.Flags.Contains(kind);
            switch (w.ClassFor(kind))
            {
                case ReferenceClass.Positive when flagged: tp++; break;
                case ReferenceClass.Positive: fn++; break;
                case ReferenceClass.Negative when flagged: fp++; break;
                case ReferenceClass.Negative: tn++; break;
                default:
                    excluded++;
                    excludedFlagged += flagged ? 1 : 0;
                    break;
            }
        }

        return new FlagScore(kind, tp, fn, fp, tn, excluded, excludedFlagged);
    }

    private static double Ratio(int numerator, int denominator) => denominator == 0 ? double.NaN : (double)numerator / denominator;
}
