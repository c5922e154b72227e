using Telemed.Ecg.Detection;
using Telemed.Ecg.Filters;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Rhythm;

/// <summary>
/// Technical quality of one stored lead: railed (pinned at a level far from baseline), flat, and noise
/// (high-frequency residue above 40 Hz outside the QRS, in 1 s windows; baseline drift below 0.7 Hz).
/// Limits follow the AHA bandwidth reasoning: an ECG has little above 40 Hz outside the QRS, so residue
/// there is muscle or electrode noise (Kligfield et al., Circulation 2007).
/// </summary>
internal sealed record LeadQuality(
    LeadId Lead,
    bool Railed,
    bool Flat,
    double PeakToPeakMv,
    double WorstHighFrequencyRmsMv,
    double? NoisyFromSeconds,
    double? NoisyToSeconds,
    int NoisyWindows,
    int Windows,
    double BaselineDriftMv,
    double? DriftFromSeconds,
    double? DriftToSeconds,
    int DriftWindows,
    int DriftWindowCount)
{
    /// <summary>High-frequency RMS over which a 1 s window is noisy (EMG or poor contact; clean leads stay near 0.01 mV).</summary>
    public const double HighFrequencyLimitMv = 0.05;

    /// <summary>Baseline drift (peak to peak under 0.7 Hz within one <see cref="DriftWindowSeconds"/> window) beyond respiration-induced wander.</summary>
    public const double BaselineDriftLimitMv = 1.0;

    /// <summary>
    /// Drift is judged in windows this long (half-overlapping): what spoils reading is the trace wandering across the
    /// grid within the few seconds a reader looks at, not a slow shift over half an hour, which the 0.67 Hz high-pass
    /// of the measurements and the display remove anyway (record 100 drifts 1.3 mV in V5 over 30 min, and is clean).
    /// </summary>
    public const double DriftWindowSeconds = 4.0;

    /// <summary>A lead whose whole peak-to-peak stays under this is a flat line.</summary>
    public const double FlatLimitMv = 0.03;

    public bool HighFrequencyNoise => NoisyWindows > 0 && NoisyWindows >= Math.Max(1, Windows / 4);

    /// <summary>As for high-frequency noise: drifting in a quarter of the windows, and in at least one.</summary>
    public bool BaselineDrift => DriftWindows > 0 && DriftWindows >= Math.Max(1, DriftWindowCount / 4);

    public bool Noisy => !Railed && !Flat && (HighFrequencyNoise || BaselineDrift);

    /// <param name="mainsHz">The grid frequency where the ECG was recorded: its hum is removed before noise is judged.</param>
    public static LeadQuality[] Assess(EcgRecording recording, IReadOnlyList<Beat> beats, double mainsHz)
    {
        double fs = recording.SamplingRate;
        var highFrequency = new EcgFilterSettings(null, 40, mainsHz).Design(fs);
        var notchOnly = new EcgFilterSettings(null, null, mainsHz).Design(fs);
        var drift = FilterDesign.ButterworthLowPass(2, 0.7, fs);
        bool canSeeHighFrequency = 40 < fs / 2 * 0.95;

        // Samples near a QRS are not noise: the QRS itself has energy above 40 Hz.
        var inQrs = new bool[recording.Length];
        int half = (int)Math.Round(0.06 * fs);
        foreach (var beat in beats)
        {
            for (long i = Math.Max(0, beat.Sample - half); i <= Math.Min(recording.Length - 1, beat.Sample + half); i++)
            {
                inQrs[i] = true;
            }
        }

        var result = new LeadQuality[recording.Leads.Count];
        var mv = new float[recording.Length];
        var smooth = new float[recording.Length];
        var notched = new float[recording.Length];
        int window = Math.Max(1, (int)Math.Round(fs));
        for (int l = 0; l < result.Length; l++)
        {
            var lead = recording.Leads[l];
            lead.CopyMillivolts(0, mv);
            var samples = lead.Samples.Span;
            int min = int.MaxValue, max = int.MinValue;
            foreach (int s in samples)
            {
                min = Math.Min(min, s);
                max = Math.Max(max, s);
            }

            int atExtremes = 0;
            foreach (int s in samples)
            {
                if (s == min || s == max)
                {
                    atExtremes++;
                }
            }

            double p2p = (max - min) / lead.AduPerMillivolt;

            // Railed: at least a fifth of the record pinned at one extreme, far (> 5 mV) from baseline.
            double extreme = Math.Max(Math.Abs(lead.ToMillivolts(min)), Math.Abs(lead.ToMillivolts(max)));
            bool railed = samples.Length > 0 && atExtremes >= samples.Length / 5 && extreme > 5;
            bool flat = !railed && p2p < FlatLimitMv;

            ZeroPhaseFilter.Apply(drift, mv, smooth);
            var (driftP2P, driftFrom, driftTo, drifting, driftWindows) = WindowedDrift(smooth, fs);

            double worst = 0;
            int noisy = 0, windows = 0;
            double? from = null, to = null;
            if (canSeeHighFrequency && !railed && !flat)
            {
                ZeroPhaseFilter.Apply(notchOnly, mv, notched);
                ZeroPhaseFilter.Apply(highFrequency, notched, smooth);
                for (int start = 0; start + window <= mv.Length; start += window)
                {
                    double sum = 0;
                    int count = 0;
                    for (int i = start; i < start + window; i++)
                    {
                        if (!inQrs[i])
                        {
                            double r = notched[i] - smooth[i];
                            sum += r * r;
                            count++;
                        }
                    }

                    if (count < window / 4)
                    {
                        continue;
                    }

                    windows++;
                    double rms = Math.Sqrt(sum / count);
                    worst = Math.Max(worst, rms);
                    if (rms > HighFrequencyLimitMv)
                    {
                        noisy++;
                        from ??= start / fs;
                        to = (start + window) / fs;
                    }
                }
            }

            result[l] = new LeadQuality(lead.Id, railed, flat, p2p, worst, from, to, noisy, windows, driftP2P, driftFrom, driftTo, drifting, driftWindows);
        }

        return result;
    }

    // Worst peak to peak of the low-passed lead over half-overlapping windows, and where it exceeded the limit.
    private static (double Worst, double? From, double? To, int Drifting, int Windows) WindowedDrift(float[] smooth, double fs)
    {
        int window = Math.Max(1, (int)Math.Round(DriftWindowSeconds * fs));
        if (smooth.Length <= window)
        {
            double whole = PeakToPeak(smooth);
            return (whole, whole > BaselineDriftLimitMv ? 0 : null, whole > BaselineDriftLimitMv ? smooth.Length / fs : null, whole > BaselineDriftLimitMv ? 1 : 0, 1);
        }

        int hop = window / 2;
        double worst = 0;
        double? from = null, to = null;
        int drifting = 0, windows = 0;
        for (int start = 0; start < smooth.Length - hop; start += hop)
        {
            int length = Math.Min(window, smooth.Length - start);
            double p2p = PeakToPeak(smooth.AsSpan(start, length));
            windows++;
            worst = Math.Max(worst, p2p);
            if (p2p > BaselineDriftLimitMv)
            {
                drifting++;
                from ??= start / fs;
                to = (start + length) / fs;
            }
        }

        return (worst, from, to, drifting, windows);
    }

    private static double PeakToPeak(ReadOnlySpan<float> x)
    {
        float min = float.MaxValue, max = float.MinValue;
        foreach (float v in x)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return x.IsEmpty ? 0 : max - min;
    }
}
