using System.Globalization;
using Telemed.Ecg.Evaluation;
using Telemed.Ecg.Rhythm;

namespace Telemed.Cli.Ecg;

/// <summary>Text report of <c>telemed ecg eval-rhythm</c>: flag counts, AF and VT scores, false alarms per record.</summary>
internal static class RhythmEvaluationReport
{
    private static readonly EcgFlagKind[] Scored = [EcgFlagKind.IrregularlyIrregular, EcgFlagKind.WideComplexTachycardia];

    public static void Write(IReadOnlyList<RhythmWindow> windows, double windowSeconds, int records, TimeSpan elapsed, bool listErrors, TextWriter stdout)
    {
        var c = CultureInfo.InvariantCulture;
        int withheld = windows.Count(w => w.Withheld);
        stdout.WriteLine(string.Create(c, $"Rhythm flags on {windows.Count} consecutive {windowSeconds:0.#} s windows of {records} records, each analysed on its own ({elapsed.TotalSeconds:F1} s)"));
        stdout.WriteLine("AF: positive = whole window in (AFIB; negative = no (AFIB/(AFL; partly AF or (AFL excluded.");
        stdout.WriteLine($"VT: positive = ≥ {RhythmFlagEvaluator.MinimumVtBeats} beats of a (VT episode in the window; negative = no (VT/(VFL; else excluded.");
        stdout.WriteLine(string.Create(c, $"rate/rhythm flags withheld as technical: {withheld} windows ({Percent(withheld, windows.Count)})"));
        stdout.WriteLine();

        stdout.WriteLine("windows flagged, by kind:");
        foreach (var kind in Enum.GetValues<EcgFlagKind>())
        {
            int n = windows.Count(w => w.Flags.Contains(kind));
            stdout.WriteLine(string.Create(c, $"  {kind,-24} {n,6} ({Percent(n, windows.Count)})"));
        }

        stdout.WriteLine();
        stdout.WriteLine("flag                        TP     FN     FP      TN    Se %    Sp %   PPV %  excluded (flagged)  withheld in positives");
        foreach (var kind in Scored)
        {
            var s = FlagScore.Of(kind, windows);
            int positives = s.TruePositives + s.FalseNegatives;
            int withheldPositive = windows.Count(w => w.Withheld && w.ClassFor(kind) == ReferenceClass.Positive);
            stdout.WriteLine(string.Create(c,
                $"{kind,-24} {s.TruePositives,6} {s.FalseNegatives,6} {s.FalsePositives,6} {s.TrueNegatives,7} {Pct(s.Sensitivity),7} {Pct(s.Specificity),7} {Pct(s.PositivePredictiveValue),7}  {s.Excluded,8} ({s.ExcludedFlagged})  {withheldPositive} of {positives}"));
        }

        stdout.WriteLine();
        stdout.WriteLine("per record: windows, withheld, AF windows flagged/positive, AF false alarms, VT flagged/positive, VT false alarms, reference rhythms");
        foreach (var group in windows.GroupBy(w => w.Record))
        {
            var list = group.ToList();
            var af = FlagScore.Of(EcgFlagKind.IrregularlyIrregular, list);
            var vt = FlagScore.Of(EcgFlagKind.WideComplexTachycardia, list);
            string rhythms = string.Join(' ', list.SelectMany(w => w.ReferenceRhythms).Distinct(StringComparer.Ordinal));
            stdout.WriteLine(string.Create(c,
                $"{group.Key,-6} {list.Count,4} {list.Count(w => w.Withheld),4}   AF {af.TruePositives,3}/{af.TruePositives + af.FalseNegatives,-3} FA {af.FalsePositives,3}   VT {vt.TruePositives,2}/{vt.TruePositives + vt.FalseNegatives,-2} FA {vt.FalsePositives,3}   {rhythms}"));
            if (listErrors)
            {
                foreach (var kind in Scored)
                {
                    var starts = list.Where(w => w.Flags.Contains(kind) && w.ClassFor(kind) == ReferenceClass.Negative).Select(w => w.StartSeconds.ToString("0", c)).ToList();
                    if (starts.Count > 0)
                    {
                        stdout.WriteLine($"    {kind} false alarms at s: {string.Join(' ', starts)}");
                    }
                }
            }
        }
    }

    private static string Percent(int part, int whole) => whole == 0 ? "–" : ((double)part / whole).ToString("P1", CultureInfo.InvariantCulture);

    private static string Pct(double ratio) => double.IsNaN(ratio) ? "–" : (ratio * 100).ToString("F1", CultureInfo.InvariantCulture);
}
