using Telemed.Ecg.Detection;
using Telemed.Ecg.Filters;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Rhythm;

/// <summary>
/// QRS width of a run of beats for the VT rules, measured on the sample-wise median of the run's beats, all leads
/// together: from where the summed slope of all leads first rises above <see cref="PeakFraction"/> of its peak to where it
/// last falls below it. <see cref="Measurements.RestingEcgMeasurer"/> is built for a resting ECG's dominant beat and
/// under-reads runs of ventricular beats: its QRS end is where the slope falls under 4 % of the peak or under four times
/// the 10th percentile of the slope over its 1.15 s window, and in a run at 150–200 bpm that window holds no baseline, so
/// the percentile is high and the end comes early. On MIT-BIH (bench/RESULTS.md) it measured 36–119 ms on the runs of
/// reference ventricular beats in 20 of the 43 VT windows missed before this measure (e.g. 205 at 300 s: 36 ms for VT at 200 bpm).
/// </summary>
internal static class RunQrsWidth
{
    /// <summary>
    /// Share of the peak slope that bounds the QRS. Simulated on a per-window dump of MIT-BIH runs of unlike beats, VT
    /// windows found / false alarms (width ≥ 120 ms on this measure alone, with the median-beat rule): 5 % 35 / 38,
    /// 10 % 28 / 34, 15 % 25 / 26, 20 % 16 / 19; measured with the larger of this and the median-beat measure, 15 % added
    /// 6 VT windows for 9 false alarms (bench/RESULTS.md).
    /// </summary>
    public const double PeakFraction = 0.15;

    // Median beat from 250 ms before to 250 ms after the fiducial: room for a 200 ms QRS around a fiducial anywhere in it.
    private const double HalfWindowSeconds = 0.25;

    // The slope peak is looked for within 80 ms of the fiducial, the QRS ends within 200 ms of it (as WaveDelineation).
    private const double PeakSearchSeconds = 0.08;
    private const double EdgeSearchSeconds = 0.2;

    // The slope must stay under the threshold this long for the QRS to have ended (as WaveDelineation).
    private const double QuietSeconds = 0.012;

    // 4 ms half-span derivative, as WaveDelineation.
    private const double DerivativeHalfSpanSeconds = 0.004;

    /// <summary>1–40 Hz, as <see cref="BeatMorphology"/>: no baseline wander, mains or muscle noise to add slope outside the QRS.</summary>
    private static readonly EcgFilterSettings Filter = new(1.0, 40.0, null);

    /// <summary>The run's QRS width in ms; null when no beat of the run lies far enough from the recording's edges.</summary>
    public static double? Of(EcgRecording recording, IReadOnlyList<Beat> run)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(run);
        double fs = recording.SamplingRate;
        int half = (int)Math.Round(HalfWindowSeconds * fs);
        var usable = run.Where(b => b.Sample - half >= 0 && b.Sample + half < recording.Length).Select(b => b.Sample).ToArray();
        if (usable.Length == 0)
        {
            return null;
        }

        int window = (2 * half) + 1;
        var sections = Filter.Design(fs);
        var raw = new float[recording.Length];
        var column = new float[usable.Length];
        int span = Math.Max(1, (int)Math.Round(DerivativeHalfSpanSeconds * fs));
        var slope = new double[window];
        var median = new float[window];
        for (int l = 0; l < recording.Leads.Count; l++)
        {
            recording.Leads[l].CopyMillivolts(0, raw);
            var x = ZeroPhaseFilter.Apply(sections, raw);
            for (int k = 0; k < window; k++)
            {
                for (int j = 0; j < usable.Length; j++)
                {
                    column[j] = x[usable[j] - half + k];
                }

                Array.Sort(column);
                int mid = column.Length / 2;
                median[k] = column.Length % 2 == 1 ? column[mid] : (column[mid - 1] + column[mid]) / 2;
            }

            for (int k = span; k < window - span; k++)
            {
                slope[k] += Math.Abs(median[k + span] - median[k - span]);
            }
        }

        int peakFrom = half - (int)Math.Round(PeakSearchSeconds * fs), peakTo = half + (int)Math.Round(PeakSearchSeconds * fs);
        int peak = peakFrom;
        for (int k = peakFrom; k <= peakTo; k++)
        {
            if (slope[k] > slope[peak])
            {
                peak = k;
            }
        }

        if (slope[peak] <= 0)
        {
            return null;
        }

        double threshold = PeakFraction * slope[peak];
        int quiet = Math.Max(2, (int)Math.Round(QuietSeconds * fs));
        int edge = (int)Math.Round(EdgeSearchSeconds * fs);
        int onset = Quiet(slope, peak, -1, threshold, quiet, half - edge);
        int offset = Quiet(slope, peak, +1, threshold, quiet, half + edge);
        return (offset - onset) * 1000.0 / fs;
    }

    // From start, step in direction until `run` consecutive samples are below threshold; the first of them, or the limit.
    private static int Quiet(double[] slope, int start, int direction, double threshold, int run, int limit)
    {
        int count = 0;
        for (int i = start; direction < 0 ? i >= limit : i <= limit; i += direction)
        {
            if (slope[i] < threshold)
            {
                count++;
                if (count >= run)
                {
                    return i - (direction * (run - 1));
                }
            }
            else
            {
                count = 0;
            }
        }

        return limit;
    }
}
