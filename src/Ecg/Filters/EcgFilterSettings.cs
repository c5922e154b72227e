namespace Telemed.Ecg.Filters;

/// <summary>
/// The filter chain an ECG is shown and measured with: baseline-wander high-pass, low-pass, mains notch.
/// A stage whose frequency is null is left out, as is a high-pass at or above the Nyquist frequency of the recording
/// and a low-pass or notch at or above 95 % of it (e.g. the 150 Hz low-pass at 250 Hz sampling).
/// </summary>
public sealed record EcgFilterSettings(double? HighPassHz, double? LowPassHz, double? NotchHz, int HighPassOrder = 2, int LowPassOrder = 4, double NotchQuality = 30)
{
    /// <summary>Monitoring: 0.5–40 Hz, 50 Hz notch (China's mains).</summary>
    public static EcgFilterSettings Monitoring { get; } = new(0.5, 40, 50);

    /// <summary>Diagnostic: 0.05–150 Hz (AHA bandwidth for resting ECGs), 50 Hz notch.</summary>
    public static EcgFilterSettings Diagnostic { get; } = new(0.05, 150, 50);

    /// <summary>The chain as one cascade for <paramref name="samplingRate"/>.</summary>
    public SecondOrderSections Design(double samplingRate)
    {
        double nyquist = samplingRate / 2;
        var sos = SecondOrderSections.Identity;
        if (HighPassHz is double hp && hp > 0 && hp < nyquist)
        {
            sos = sos.Then(FilterDesign.ButterworthHighPass(HighPassOrder, hp, samplingRate));
        }

        if (LowPassHz is double lp && lp > 0 && lp < nyquist * 0.95)
        {
            sos = sos.Then(FilterDesign.ButterworthLowPass(LowPassOrder, lp, samplingRate));
        }

        if (NotchHz is double notch && notch > 0 && notch < nyquist * 0.95)
        {
            sos = sos.Then(FilterDesign.Notch(notch, NotchQuality, samplingRate));
        }

        return sos;
    }
}
