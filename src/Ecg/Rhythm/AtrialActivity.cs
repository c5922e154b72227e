using Telemed.Ecg.Filters;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Rhythm;

/// <summary>
/// How consistent the atrial activity before the dominant QRS complexes is from beat to beat. In sinus rhythm (with or
/// without ectopy) every conducted beat is preceded by the same P wave at the same PR interval, so the pre-QRS segments
/// of the dominant beats share a waveform; in atrial fibrillation there is no P wave, only fibrillatory waves
/// unrelated to the QRS, which cancel in a beat-to-beat median (AF: "no distinct P waves", ESC AF guideline 2020,
/// Hindricks et al.). <see cref="Snr"/> is the size of the median pre-QRS waveform against the typical deviation of a
/// single beat from it, in the lead where that ratio is largest. Judged per beat rather than on the median beat alone:
/// averaging fibrillatory waves or a T wave can leave a bump that a P-wave delineator takes for a P wave (on MIT-BIH,
/// 49 of the 178 AF windows missed were vetoed by such a median-beat PR), while a real P wave repeats beat by beat.
/// </summary>
/// <param name="Snr">Median pre-QRS waveform RMS over the median RMS of the beats' deviation from it; 0 when the
/// median waveform stays under <see cref="MinimumAmplitudeMv"/> in every lead.</param>
/// <param name="AmplitudeMv">Peak to peak of the median pre-QRS waveform in the lead the ratio comes from.</param>
/// <param name="BeatsUsed">Dominant beats whose pre-QRS segment was compared.</param>
internal sealed record AtrialActivity(double Snr, double AmplitudeMv, int BeatsUsed)
{
    /// <summary>
    /// At or above this the pre-QRS waveform repeats beat to beat: P waves, not AF. On MIT-BIH 10 s windows (feature
    /// dump while developing the rule) 95 % of the AF windows flagged had a ratio under 4.4; non-AF windows not flagged
    /// had a median of 7.4, the AF false alarms 3.4 (bench/RESULTS.md).
    /// </summary>
    public const double ConsistentSnr = 5;

    /// <summary>Under this the pre-QRS waveform does not repeat: a P wave found on the median beat is not trusted.</summary>
    public const double InconsistentSnr = 3;

    /// <summary>
    /// A median pre-QRS waveform under this peak to peak is no P wave however well it repeats (normal P: 0.05–0.25 mV,
    /// the floor <c>WaveDelineation</c> uses too): on a clean recording without P waves, the tails of the QRS and T
    /// waves repeat exactly and the noise is tiny, so the ratio alone would find "consistent P waves".
    /// </summary>
    public const double MinimumAmplitudeMv = 0.05;

    /// <summary>Fewer comparable beats than this say nothing about consistency.</summary>
    public const int MinimumBeats = 3;

    // The P wave lies 120–300 ms before the R peak (PR 120–200 ms, P 80–110 ms); the segment stops 60 ms before the
    // re-aligned fiducial to leave out the QRS onset.
    private const double FromSeconds = 0.26;
    private const double ToSeconds = 0.06;

    /// <summary>
    /// The segment reaches 260 ms back, so after an interval of 0.55 s it starts 290 ms after the previous QRS, past the
    /// T-wave peak though not always past its end. Waiting for the T wave to end (0.66 s, QT ~ 400 ms) left too few beats
    /// at AF rates: on MIT-BIH it found 14 fewer AF windows for 4 fewer false alarms (bench/RESULTS.md).
    /// </summary>
    private const double MinimumPrecedingRrSeconds = 0.55;

    /// <summary>0.5–15 Hz: P waves and fibrillatory waves (4–9 Hz) pass, baseline wander, QRS edges and noise do not.</summary>
    private static readonly EcgFilterSettings Filter = new(0.5, 15.0, null);

    /// <summary>Null when fewer than <see cref="MinimumBeats"/> dominant beats follow a dominant beat late enough to compare.</summary>
    public static AtrialActivity? Of(EcgRecording recording, BeatMorphology morphology)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(morphology);
        double fs = recording.SamplingRate;
        int from = (int)Math.Round(FromSeconds * fs), to = (int)Math.Round(ToSeconds * fs), width = from - to + 1;
        var starts = new List<long>();
        for (int b = 1; b < morphology.Count; b++)
        {
            long start = morphology.Samples[b] - from;
            if (morphology.IsDominant(b) && morphology.IsDominant(b - 1) && start >= 0 && morphology.Samples[b] - to < recording.Length
                && (morphology.Samples[b] - morphology.Samples[b - 1]) / fs >= MinimumPrecedingRrSeconds)
            {
                starts.Add(start);
            }
        }

        if (starts.Count < MinimumBeats || width < 3)
        {
            return null;
        }

        var sections = Filter.Design(fs);
        var raw = new float[recording.Length];
        var segments = new double[starts.Count][];
        var column = new double[starts.Count];
        var template = new double[width];
        var deviation = new double[starts.Count];
        double best = 0, amplitude = 0;
        foreach (var lead in recording.Leads)
        {
            lead.CopyMillivolts(0, raw);
            var x = ZeroPhaseFilter.Apply(sections, raw);
            for (int s = 0; s < starts.Count; s++)
            {
                // Detrended by the chord through the segment's ends: what is left of baseline drift or the tail of the
                // T wave before differs from beat to beat and would count against a real P wave.
                var segment = segments[s] ??= new double[width];
                double first = x[starts[s]], last = x[starts[s] + width - 1];
                for (int k = 0; k < width; k++)
                {
                    segment[k] = x[starts[s] + k] - (first + ((last - first) * k / (width - 1)));
                }
            }

            for (int k = 0; k < width; k++)
            {
                for (int s = 0; s < segments.Length; s++)
                {
                    column[s] = segments[s][k];
                }

                Array.Sort(column);
                template[k] = column[column.Length / 2];
            }

            for (int s = 0; s < segments.Length; s++)
            {
                double sum = 0;
                for (int k = 0; k < width; k++)
                {
                    double d = segments[s][k] - template[k];
                    sum += d * d;
                }

                deviation[s] = Math.Sqrt(sum / width);
            }

            Array.Sort(deviation);
            double typical = deviation[deviation.Length / 2];
            double size = Math.Sqrt(template.Sum(v => v * v) / width);
            double peakToPeak = template.Max() - template.Min();
            double ratio = size / Math.Max(typical, 1e-6);
            if (peakToPeak >= MinimumAmplitudeMv && ratio > best)
            {
                best = ratio;
                amplitude = peakToPeak;
            }
        }

        return new AtrialActivity(best, amplitude, starts.Count);
    }
}
