using Telemed.Ecg.Detection;
using Telemed.Ecg.Filters;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Rhythm;

/// <summary>
/// Per-beat QRS morphology for rhythm decisions: each beat re-aligned on the dominant QRS of the recording, and its
/// correlation with that dominant QRS. Rhythm rules need both per beat, not from the median beat: a detector's
/// fiducial wanders on wide or paced complexes (tens of ms between the pacing spike and the QRS peak), which makes a
/// regular paced rhythm look irregular; and ectopic beats differ in shape from the dominant ones. QRS width is not
/// judged per beat (a per-beat slope width did not part wide from narrow beats on MIT-BIH, see bench/RESULTS.md);
/// a run of unlike beats is measured on its own median beat instead.
/// </summary>
internal sealed class BeatMorphology
{
    /// <summary>A beat correlating at least this well with the dominant QRS has the dominant morphology.</summary>
    public const double DominantCorrelation = 0.8;

    // QRS region compared between beats, and how far a beat may be re-aligned: paced complexes wander up to ~110 ms.
    private const double HalfWindowSeconds = 0.1;
    private const double MaximumShiftSeconds = 0.1;

    // Beats compared with each other to find the medoid (the beat most like all others); bounds the cost on long records.
    private const int MedoidCandidates = 30;

    /// <summary>
    /// 1–40 Hz: removes baseline wander (it would dominate a correlation over 200 ms) and mains and muscle noise
    /// (they would add slope everywhere and widen every complex), keeping the QRS band (most QRS energy is 5–25 Hz).
    /// </summary>
    private static readonly EcgFilterSettings Filter = new(1.0, 40.0, null);

    private BeatMorphology(long[] samples, double[] correlation)
    {
        Samples = samples;
        Correlation = correlation;
    }

    /// <summary>Beat times re-aligned on the dominant QRS (unchanged for beats too near the edges to compare).</summary>
    public long[] Samples { get; }

    /// <summary>Correlation of each beat's QRS with the dominant QRS; NaN when too near the edges.</summary>
    public double[] Correlation { get; }

    public int Count => Samples.Length;

    public bool IsDominant(int beat) => Correlation[beat] >= DominantCorrelation;

    /// <param name="beats">Beats in time order.</param>
    public static BeatMorphology Of(EcgRecording recording, IReadOnlyList<Beat> beats)
    {
        double fs = recording.SamplingRate;
        int n = beats.Count;
        var samples = new long[n];
        var correlation = new double[n];
        for (int b = 0; b < n; b++)
        {
            samples[b] = beats[b].Sample;
            correlation[b] = double.NaN;
        }

        int half = Math.Max(2, (int)Math.Round(HalfWindowSeconds * fs));
        int shift = Math.Max(1, (int)Math.Round(MaximumShiftSeconds * fs));
        int reach = half + shift;
        var comparable = new List<int>(n);
        for (int b = 0; b < n; b++)
        {
            if (samples[b] - reach >= 0 && samples[b] + reach + 1 < recording.Length)
            {
                comparable.Add(b);
            }
        }

        if (comparable.Count < 3)
        {
            return new BeatMorphology(samples, correlation);
        }

        var sections = Filter.Design(fs);
        var leads = new float[recording.Leads.Count][];
        var raw = new float[recording.Length];
        for (int l = 0; l < leads.Length; l++)
        {
            recording.Leads[l].CopyMillivolts(0, raw);
            leads[l] = ZeroPhaseFilter.Apply(sections, raw);
        }

        int window = (2 * half) + 1;

        // Medoid at the detector's fiducials, then two passes: align to the reference, take the median of the
        // well-correlated aligned beats as the new reference.
        var step = Math.Max(1, comparable.Count / MedoidCandidates);
        var pool = comparable.Where((_, i) => i % step == 0).Take(MedoidCandidates).ToList();
        int medoid = pool[0];
        double best = double.NegativeInfinity;
        foreach (int a in pool)
        {
            double sum = 0;
            foreach (int b in pool)
            {
                sum += a == b ? 1 : Correlate(leads, samples[a], samples[b], half);
            }

            if (sum > best)
            {
                best = sum;
                medoid = a;
            }
        }

        var template = Extract(leads, samples[medoid], half);
        var aligned = new long[n];
        for (int pass = 0; pass < 2; pass++)
        {
            foreach (int b in comparable)
            {
                (aligned[b], correlation[b]) = Align(leads, template, beats[b].Sample, half, shift);
            }

            var members = comparable.Where(b => correlation[b] >= DominantCorrelation).ToList();
            if (members.Count < 3)
            {
                break;
            }

            var column = new float[members.Count];
            var next = new float[template.Length];
            for (int l = 0; l < leads.Length; l++)
            {
                for (int k = 0; k < window; k++)
                {
                    for (int m = 0; m < members.Count; m++)
                    {
                        column[m] = leads[l][aligned[members[m]] - half + k];
                    }

                    Array.Sort(column);
                    next[(l * window) + k] = column[column.Length / 2];
                }
            }

            template = next;
        }

        foreach (int b in comparable)
        {
            // An unlike beat (ectopic, artefact) has no counterpart in the template to align on: keep the detector's time.
            if (correlation[b] >= DominantCorrelation)
            {
                samples[b] = aligned[b];
            }
        }

        return new BeatMorphology(samples, correlation);
    }

    private static float[] Extract(float[][] leads, long centre, int half)
    {
        int window = (2 * half) + 1;
        var x = new float[leads.Length * window];
        for (int l = 0; l < leads.Length; l++)
        {
            Array.Copy(leads[l], centre - half, x, l * window, window);
        }

        return x;
    }

    private static (long Sample, double Correlation) Align(float[][] leads, float[] template, long fiducial, int half, int shift)
    {
        long bestAt = fiducial;
        double best = double.NegativeInfinity;
        for (int lag = -shift; lag <= shift; lag++)
        {
            double r = Correlate(leads, template, fiducial + lag, half);
            if (r > best)
            {
                best = r;
                bestAt = fiducial + lag;
            }
        }

        return (bestAt, best);
    }

    private static double Correlate(float[][] leads, long a, long b, int half) => Correlate(leads, Extract(leads, a, half), b, half);

    // Pearson correlation of the template with all leads end to end around centre.
    private static double Correlate(float[][] leads, float[] template, long centre, int half)
    {
        int window = (2 * half) + 1;
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        int count = 0;
        for (int l = 0; l < leads.Length; l++)
        {
            var lead = leads[l];
            long start = centre - half;
            for (int k = 0; k < window; k++)
            {
                double x = template[(l * window) + k], y = lead[start + k];
                sx += x;
                sy += y;
                sxx += x * x;
                syy += y * y;
                sxy += x * y;
                count++;
            }
        }

        double cov = sxy - (sx * sy / count);
        double vx = sxx - (sx * sx / count), vy = syy - (sy * sy / count);
        return vx <= 0 || vy <= 0 ? 0 : cov / Math.Sqrt(vx * vy);
    }
}
