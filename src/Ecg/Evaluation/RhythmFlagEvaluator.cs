using Telemed.Ecg.Analysis;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.Signals;
using Telemed.Ecg.Wfdb;

namespace Telemed.Ecg.Evaluation;

/// <summary>
/// Measures the urgent rhythm flags against reference rhythm annotations: each record is cut into consecutive,
/// non-overlapping windows (10 s, the length of a resting ECG), each window is analysed on its own exactly as an
/// incoming ECG would be (<see cref="EcgAnalyzer"/>), and labelled from the reference rhythm annotations (code 28,
/// Aux "(N", "(AFIB", "(VT", …).
/// <list type="bullet">
/// <item>AF (<see cref="EcgFlagKind.IrregularlyIrregular"/>): positive when the whole window lies inside "(AFIB";
/// negative when it touches neither "(AFIB" nor "(AFL"; excluded otherwise. Atrial flutter is excluded rather than
/// counted either way: with fixed 2:1 or 4:1 conduction its ventricular rhythm is regular, so an RR-based flag cannot
/// be expected to see it, yet flagging it is no false alarm (it is treated like AF: rate control, anticoagulation;
/// January et al., AHA/ACC/HRS AF guideline 2014). Windows straddling an AF boundary are excluded too: how much AF
/// makes a window "AF" is arbitrary.</item>
/// <item>VT (<see cref="EcgFlagKind.WideComplexTachycardia"/>): positive when at least 3 reference beats of a "(VT"
/// episode fall inside the window (3 consecutive ventricular beats is the usual definition of a VT run); negative when
/// the window touches no "(VT" and no "(VFL" episode; excluded otherwise (a VT run only grazing the window, or
/// ventricular flutter, where a Stat flag is no false alarm either).</item>
/// <item>Before the first rhythm annotation the rhythm is unknown: such windows are excluded for both.</item>
/// </list>
/// Windows whose rate and rhythm flags were withheld as technically unreliable count as not flagged (that is what
/// the reader sees) and are counted apart.
/// </summary>
public static class RhythmFlagEvaluator
{
    public const double DefaultWindowSeconds = 10;

    /// <summary>Reference beats of a VT episode inside a window that make it a VT window.</summary>
    public const int MinimumVtBeats = 3;

    private const string Afib = "(AFIB", Aflutter = "(AFL", Vt = "(VT", Vflutter = "(VFL";

    /// <summary>
    /// Evaluates every record of <paramref name="records"/> in <paramref name="directory"/> (WFDB records with .atr
    /// references). Records run in parallel; the result is in record order, then time order, whatever the scheduling.
    /// </summary>
    public static IReadOnlyList<RhythmWindow> EvaluateDatabase(string directory, IReadOnlyList<string> records, double windowSeconds = DefaultWindowSeconds, int maxParallelism = -1, double mainsHz = RhythmFlagger.DefaultMainsHz)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(records);
        var perRecord = new IReadOnlyList<RhythmWindow>[records.Count];
        Parallel.For(0, records.Count, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism }, i =>
        {
            string path = Path.Combine(directory, records[i]);
            var recording = WfdbRecordReader.Read(path);
            var reference = WfdbAnnotationReader.Read(path + ".atr");
            perRecord[i] = EvaluateRecord(records[i], recording, reference, windowSeconds, mainsHz);
        });

        return [.. perRecord.SelectMany(w => w)];
    }

    /// <summary>Cuts <paramref name="recording"/> into consecutive windows, analyses and labels each.</summary>
    public static IReadOnlyList<RhythmWindow> EvaluateRecord(string name, EcgRecording recording, IReadOnlyList<Annotation> reference, double windowSeconds = DefaultWindowSeconds, double mainsHz = RhythmFlagger.DefaultMainsHz)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowSeconds);
        double fs = recording.SamplingRate;
        int length = (int)Math.Round(windowSeconds * fs);
        var episodes = Episodes(reference, recording.Length);
        var beats = reference.Where(a => a.IsBeat).Select(a => a.Sample).ToArray();
        var windows = new List<RhythmWindow>(recording.Length / length);
        for (int from = 0; from + length <= recording.Length; from += length)
        {
            var (labels, af, vt) = Label(episodes, beats, from, from + length);
            var analysis = EcgAnalyzer.Analyze(recording.Slice(from, length), mainsHz: mainsHz);
            var flags = analysis.Flags.Select(f => f.Kind).ToHashSet();
            bool withheld = analysis.Flags.SelectMany(f => f.Evidence).Any(e => e.Finding.StartsWith(RhythmFlagger.WithheldFinding, StringComparison.Ordinal));
            windows.Add(new RhythmWindow(name, from / fs, labels, af, vt, flags, withheld));
        }

        return windows;
    }

    /// <summary>The reference rhythm labels overlapping [<paramref name="from"/>, <paramref name="to"/>) and the window's AF and VT classes.</summary>
    internal static (IReadOnlyList<string> Labels, ReferenceClass Af, ReferenceClass Vt) Label(IReadOnlyList<(long From, long To, string Rhythm)> episodes, long[] beats, long from, long to)
    {
        var overlapping = episodes.Where(e => e.From < to && e.To > from).ToList();
        var labels = overlapping.Select(e => e.Rhythm).Distinct(StringComparer.Ordinal).ToList();
        bool unknown = overlapping.Count == 0 || overlapping[0].From > from;

        ReferenceClass af;
        if (unknown)
        {
            af = ReferenceClass.Excluded;
        }
        else if (labels.Contains(Afib, StringComparer.Ordinal))
        {
            af = labels.Count == 1 ? ReferenceClass.Positive : ReferenceClass.Excluded;
        }
        else
        {
            af = labels.Contains(Aflutter, StringComparer.Ordinal) ? ReferenceClass.Excluded : ReferenceClass.Negative;
        }

        var vt = unknown ? ReferenceClass.Excluded : ReferenceClass.Negative;
        foreach (var (start, end, rhythm) in overlapping)
        {
            if (rhythm == Vflutter)
            {
                vt = vt == ReferenceClass.Positive ? vt : ReferenceClass.Excluded;
            }
            else if (rhythm == Vt)
            {
                long lo = Math.Max(start, from), hi = Math.Min(end, to);
                int inside = CountIn(beats, lo, hi);
                vt = inside >= MinimumVtBeats ? ReferenceClass.Positive : (vt == ReferenceClass.Positive ? vt : ReferenceClass.Excluded);
            }
        }

        return (labels, af, vt);
    }

    /// <summary>Rhythm episodes: from each rhythm annotation to the next (the last to the end of the record).</summary>
    internal static List<(long From, long To, string Rhythm)> Episodes(IReadOnlyList<Annotation> reference, long length)
    {
        var changes = reference.Where(a => a.Code == AnnotationCode.Rhythm && !string.IsNullOrEmpty(a.Aux)).ToList();
        var episodes = new List<(long, long, string)>(changes.Count);
        for (int i = 0; i < changes.Count; i++)
        {
            long end = i + 1 < changes.Count ? changes[i + 1].Sample : length;
            episodes.Add((changes[i].Sample, end, changes[i].Aux!.TrimEnd('\0')));
        }

        return episodes;
    }

    private static int CountIn(long[] sorted, long from, long to)
    {
        int lo = Array.BinarySearch(sorted, from);
        lo = lo < 0 ? ~lo : lo;
        int hi = Array.BinarySearch(sorted, to);
        hi = hi < 0 ? ~hi : hi;
        return Math.Max(0, hi - lo);
    }
}
