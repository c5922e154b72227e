using Telemed.Ecg.Signals;

namespace Telemed.Samples.Dicom;

/// <summary>
/// A sinus-rhythm 12-lead ECG made of Gaussian waves (P, Q, R, S, T). Leads I and II are projections of each
/// wave's frontal-plane vector on the hexaxial axes (I at 0°, II at 60°); III, aVR, aVL and aVF follow from them by
/// Einthoven's and Goldberger's relations, so the limb leads are consistent as a real cart's are. V1–V6 take
/// per-lead amplitudes with the usual R-wave progression. ST elevation is a frontal vector added from the J point
/// to the T peak: at 110° it raises II, III and aVF and lowers aVL, the pattern of an inferior STEMI.
/// </summary>
internal static class SyntheticEcgModel
{
    private const double QrsOnsetBeforeR = 0.045;
    private const double QrsSeconds = 0.09;
    private const double PrSeconds = 0.16;

    // Per wave: centre (s from R peak, T set from QT), sigma (s), frontal axis (deg), frontal amplitude (mV), V1..V6 (mV).
    private static readonly (double Centre, double Sigma, double Axis, double Amplitude, double[] Chest)[] Waves =
    [
        (-QrsOnsetBeforeR - PrSeconds + 0.05, 0.017, 55, 0.15, [0.06, 0.08, 0.08, 0.08, 0.08, 0.08]),
        (-0.025, 0.008, -120, 0.12, [0, 0, 0, -0.05, -0.10, -0.10]),
        (0, 0.010, 50, 1.2, [0.30, 0.60, 1.0, 1.5, 1.6, 1.3]),
        (0.025, 0.008, -100, 0.25, [-1.0, -1.4, -0.8, -0.4, -0.2, -0.1]),
        (double.NaN, 0.045, 45, 0.35, [0.10, 0.40, 0.50, 0.45, 0.35, 0.30]),
    ];

    public static EcgRecording Generate(double heartRateBpm, double stElevationMv, int seed, double seconds = 10, double samplingRate = 500)
    {
        int n = (int)Math.Round(seconds * samplingRate);
        var lead1 = new double[n];
        var lead2 = new double[n];
        var chest = new double[6][];
        for (int v = 0; v < 6; v++)
        {
            chest[v] = new double[n];
        }

        double meanRr = 60 / heartRateBpm;
        // Bazett: QT = 0.40 s at 60 bpm, scaled by √RR; the T peak sits 2σ before T end.
        double tPeak = -QrsOnsetBeforeR + (0.40 * Math.Sqrt(meanRr)) - (2 * Waves[4].Sigma);
        double jPoint = -QrsOnsetBeforeR + QrsSeconds;
        double stAxis = 110 * Math.PI / 180;
        int beat = 0;
        for (double r = 0.5; r < seconds; r += meanRr * (1 + (0.03 * Math.Sin(beat * 0.9))), beat++)
        {
            // Slight respiratory sinus arrhythmia above: RR varies by ±3 %.
            int from = Math.Max(0, (int)((r - 0.3) * samplingRate));
            int to = Math.Min(n - 1, (int)((r + tPeak + 0.25) * samplingRate));
            for (int i = from; i <= to; i++)
            {
                double t = (i / samplingRate) - r;
                for (int w = 0; w < Waves.Length; w++)
                {
                    var wave = Waves[w];
                    double centre = w == 4 ? tPeak : wave.Centre;
                    double shape = Math.Exp(-0.5 * Math.Pow((t - centre) / wave.Sigma, 2));
                    double axis = wave.Axis * Math.PI / 180;
                    lead1[i] += shape * wave.Amplitude * Math.Cos(axis);
                    lead2[i] += shape * wave.Amplitude * Math.Cos(axis - (Math.PI / 3));
                    for (int v = 0; v < 6; v++)
                    {
                        chest[v][i] += shape * wave.Chest[v];
                    }
                }

                double st = stElevationMv * StShape(t, jPoint, tPeak, Waves[4].Sigma);
                lead1[i] += st * Math.Cos(stAxis);
                lead2[i] += st * Math.Cos(stAxis - (Math.PI / 3));
            }
        }

        var random = new Random(seed);
        AddNoise(lead1, random, samplingRate);
        AddNoise(lead2, random, samplingRate);
        foreach (double[] v in chest)
        {
            AddNoise(v, random, samplingRate);
        }

        // 1 µV per ADU, the resolution of most carts.
        const double gain = 1000;
        int[] i1 = Adu(lead1, gain), i2 = Adu(lead2, gain);
        var leads = new List<EcgLead>
        {
            new(LeadId.I, "I", i1, gain, 0),
            new(LeadId.II, "II", i2, gain, 0),
            // Einthoven and Goldberger in ADU; aV leads rounded to the µV.
            new(LeadId.III, "III", Combine(i1, i2, (a, b) => b - a), gain, 0),
            new(LeadId.aVR, "aVR", Combine(i1, i2, (a, b) => (int)Math.Round(-(a + b) / 2.0, MidpointRounding.AwayFromZero)), gain, 0),
            new(LeadId.aVL, "aVL", Combine(i1, i2, (a, b) => (int)Math.Round(a - (b / 2.0), MidpointRounding.AwayFromZero)), gain, 0),
            new(LeadId.aVF, "aVF", Combine(i1, i2, (a, b) => (int)Math.Round(b - (a / 2.0), MidpointRounding.AwayFromZero)), gain, 0),
        };
        for (int v = 0; v < 6; v++)
        {
            LeadId id = LeadId.V1 + v;
            leads.Add(new EcgLead(id, id.ToString(), Adu(chest[v], gain), gain, 0));
        }

        return new EcgRecording(samplingRate, leads);
    }

    /// <summary>0 before the end of the S wave, rising to 1 at J, 1 to the T peak, falling to 0 at T peak + 3σ.</summary>
    private static double StShape(double t, double j, double tPeak, double tSigma)
    {
        double rampStart = j - 0.02;
        double end = tPeak + (3 * tSigma);
        return t <= rampStart || t >= end ? 0
            : t < j ? 0.5 - (0.5 * Math.Cos(Math.PI * (t - rampStart) / (j - rampStart)))
            : t <= tPeak ? 1
            : 0.5 + (0.5 * Math.Cos(Math.PI * (t - tPeak) / (end - tPeak)));
    }

    /// <summary>10 µV of broadband noise and 50 µV of 0.25 Hz baseline wander: a clean but not sterile recording.</summary>
    private static void AddNoise(double[] x, Random random, double samplingRate)
    {
        double phase = random.NextDouble() * 2 * Math.PI;
        for (int i = 0; i < x.Length; i++)
        {
            double gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            x[i] += (0.01 * gaussian) + (0.05 * Math.Sin((2 * Math.PI * 0.25 * i / samplingRate) + phase));
        }
    }

    private static int[] Adu(double[] mv, double gain) => [.. mv.Select(v => (int)Math.Round(v * gain, MidpointRounding.AwayFromZero))];

    private static int[] Combine(int[] a, int[] b, Func<int, int, int> f)
    {
        var result = new int[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            result[i] = f(a[i], b[i]);
        }

        return result;
    }
}
