namespace Telemed.LiveLoad;

/// <summary>
/// A 12-lead ECG made up of Gaussian P, Q, R, S and T waves at a steady rate, each lead a scaled view of the same
/// heart (aVR inverted), in ADC units at 200 units per mV: enough like an ECG for the live detector to find its beats.
/// </summary>
internal static class SyntheticEcg
{
    public const double AduPerMillivolt = 200;

    public static readonly string[] Leads = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"];

    private static readonly double[] Scale = [0.8, 1.2, 0.45, -0.95, 0.35, 0.8, 0.5, 0.9, 1.2, 1.5, 1.3, 1.0];

    // (amplitude mV, centre s relative to R, width s)
    private static readonly (double A, double At, double W)[] Waves =
        [(0.15, -0.20, 0.025), (-0.10, -0.03, 0.010), (1.20, 0.0, 0.012), (-0.25, 0.03, 0.010), (0.30, 0.26, 0.045)];

    /// <summary>Interleaved samples (frame 0 lead 0…11, frame 1 …) for <paramref name="frames"/> frames.</summary>
    public static short[] Generate(int samplingRate, int frames, double beatsPerMinute = 72)
    {
        double rr = 60 / beatsPerMinute;
        var samples = new short[frames * Leads.Length];
        for (int t = 0; t < frames; t++)
        {
            double time = (double)t / samplingRate;
            // Seconds from the nearest R peak (R peaks at 0.4 s + k·RR).
            double phase = ((time - 0.4) % rr + rr) % rr;
            double fromR = phase > rr / 2 ? phase - rr : phase;
            double mv = 0;
            foreach ((double a, double at, double w) in Waves)
            {
                double d = (fromR - at) / w;
                mv += a * Math.Exp(-0.5 * d * d);
            }

            for (int l = 0; l < Leads.Length; l++)
            {
                samples[(t * Leads.Length) + l] = (short)Math.Round(mv * Scale[l] * AduPerMillivolt);
            }
        }

        return samples;
    }
}
