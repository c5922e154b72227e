using System.Numerics;

namespace Telemed.Ecg.Filters;

/// <summary>
/// Designs digital filters from specifications (type, order, cut-offs, sampling rate), as
/// scipy.signal.butter/iirnotch do: analog Butterworth prototype → frequency transform with
/// pre-warped edges → bilinear transform → poles paired into second-order sections.
/// </summary>
public static class FilterDesign
{
    /// <summary>Butterworth low-pass of <paramref name="order"/> with −3 dB at <paramref name="cutoffHz"/>.</summary>
    public static SecondOrderSections ButterworthLowPass(int order, double cutoffHz, double samplingRate)
    {
        double wc = Prewarp(cutoffHz, samplingRate, nameof(cutoffHz));
        var poles = Prototype(order).Select(p => p * wc).ToArray();
        return FromAnalog(poles, zerosAtOrigin: 0, samplingRate, referenceHz: 0);
    }

    /// <summary>Butterworth high-pass of <paramref name="order"/> with −3 dB at <paramref name="cutoffHz"/>.</summary>
    public static SecondOrderSections ButterworthHighPass(int order, double cutoffHz, double samplingRate)
    {
        double wc = Prewarp(cutoffHz, samplingRate, nameof(cutoffHz));
        var poles = Prototype(order).Select(p => wc / p).ToArray();
        return FromAnalog(poles, zerosAtOrigin: order, samplingRate, referenceHz: samplingRate / 2);
    }

    /// <summary>
    /// Butterworth band-pass from a low-pass prototype of <paramref name="order"/> (so 2·order poles),
    /// −3 dB at <paramref name="lowHz"/> and <paramref name="highHz"/>.
    /// </summary>
    public static SecondOrderSections ButterworthBandPass(int order, double lowHz, double highHz, double samplingRate)
    {
        if (!(lowHz < highHz))
        {
            throw new ArgumentOutOfRangeException(nameof(lowHz), $"Band edges must rise: {lowHz} Hz to {highHz} Hz.");
        }

        double wl = Prewarp(lowHz, samplingRate, nameof(lowHz));
        double wh = Prewarp(highHz, samplingRate, nameof(highHz));
        double bw = wh - wl;
        double w0Squared = wl * wh;
        var poles = new List<Complex>(2 * order);
        foreach (var p in Prototype(order))
        {
            // s → (s² + w0²)/(s·bw): each prototype pole p gives the roots of s² − p·bw·s + w0² = 0.
            var half = p * bw / 2;
            var root = Complex.Sqrt((half * half) - w0Squared);
            poles.Add(half + root);
            poles.Add(half - root);
        }

        // Centre of the digital band, for unity gain there.
        double centreHz = Math.Atan(Math.Sqrt(w0Squared) / (2 * samplingRate)) * samplingRate / Math.PI;
        return FromAnalog([.. poles], zerosAtOrigin: order, samplingRate, referenceHz: centreHz);
    }

    /// <summary>
    /// Second-order IIR notch (as scipy.signal.iirnotch): zeros on the unit circle at <paramref name="frequencyHz"/>,
    /// −3 dB bandwidth = frequency / <paramref name="quality"/>, unity gain far from the notch.
    /// </summary>
    public static SecondOrderSections Notch(double frequencyHz, double quality, double samplingRate)
    {
        Prewarp(frequencyHz, samplingRate, nameof(frequencyHz));
        if (!(quality > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(quality), quality, "Quality factor must be positive.");
        }

        double w0 = 2 * Math.PI * frequencyHz / samplingRate;
        double bw = w0 / quality;
        double gain = 1 / (1 + Math.Tan(bw / 2));
        double cos = Math.Cos(w0);
        return new SecondOrderSections([gain, -2 * gain * cos, gain, -2 * gain * cos, (2 * gain) - 1]);
    }

    // Analog Butterworth prototype poles (cut-off 1 rad/s), left half plane, conjugates adjacent.
    private static Complex[] Prototype(int order)
    {
        if (order is < 1 or > 12)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "Filter order must be 1 to 12.");
        }

        var poles = new Complex[order];
        for (int k = 0; k < order; k++)
        {
            double theta = Math.PI * ((2 * k) + order + 1) / (2 * order);
            poles[k] = Complex.FromPolarCoordinates(1, theta);
        }

        return poles;
    }

    private static double Prewarp(double hz, double fs, string name)
    {
        if (!(fs > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(fs), fs, "Sampling rate must be positive.");
        }

        if (!(hz > 0) || hz >= fs / 2)
        {
            throw new ArgumentOutOfRangeException(name, hz, $"Frequency must lie between 0 and the Nyquist frequency ({fs / 2} Hz at {fs} Hz sampling).");
        }

        return 2 * fs * Math.Tan(Math.PI * hz / fs);
    }

    /// <summary>
    /// Bilinear transform of analog poles (plus <paramref name="zerosAtOrigin"/> zeros at s = 0; the rest at
    /// infinity), grouped into biquads, each scaled to unity gain at <paramref name="referenceHz"/>.
    /// </summary>
    private static SecondOrderSections FromAnalog(Complex[] analogPoles, int zerosAtOrigin, double fs, double referenceHz)
    {
        double k2 = 2 * fs;
        var poles = analogPoles.Select(s => (k2 + s) / (k2 - s)).ToList();
        int zerosAtPlusOne = zerosAtOrigin; // s = 0 → z = 1
        int zerosAtMinusOne = analogPoles.Length - zerosAtOrigin; // s = ∞ → z = −1

        // Pair complex poles with their conjugates; real poles with each other. Poles nearest the
        // unit circle go last so the sharpest resonance sees an already band-limited signal.
        var complexPoles = poles.Where(p => p.Imaginary > 1e-12).OrderBy(p => p.Magnitude).ToList();
        var realPoles = poles.Where(p => Math.Abs(p.Imaginary) <= 1e-12).Select(p => p.Real).OrderBy(Math.Abs).ToList();

        var sections = new List<double>();
        while (complexPoles.Count > 0 || realPoles.Count > 0)
        {
            double a1, a2;
            int poleCount;
            if (realPoles.Count >= 2 || (realPoles.Count == 1 && complexPoles.Count == 0))
            {
                if (realPoles.Count >= 2)
                {
                    double r1 = realPoles[0], r2 = realPoles[1];
                    realPoles.RemoveRange(0, 2);
                    a1 = -(r1 + r2);
                    a2 = r1 * r2;
                    poleCount = 2;
                }
                else
                {
                    a1 = -realPoles[0];
                    a2 = 0;
                    realPoles.RemoveAt(0);
                    poleCount = 1;
                }
            }
            else
            {
                var p = complexPoles[0];
                complexPoles.RemoveAt(0);
                a1 = -2 * p.Real;
                a2 = p.Magnitude * p.Magnitude;
                poleCount = 2;
            }

            // Numerator: as many zeros as poles in this section, from the pools (+1 first for a band-pass split).
            double b0 = 1, b1 = 0, b2 = 0;
            for (int n = 0; n < poleCount; n++)
            {
                double zero;
                if (zerosAtPlusOne > 0 && (zerosAtMinusOne == 0 || n == 0))
                {
                    zero = 1;
                    zerosAtPlusOne--;
                }
                else
                {
                    zero = -1;
                    zerosAtMinusOne--;
                }

                // Multiply (b0 + b1 z⁻¹ + b2 z⁻²) by (1 − zero·z⁻¹).
                b2 = b2 - (zero * b1);
                b1 = b1 - (zero * b0);
            }

            var section = new SecondOrderSections([b0, b1, b2, a1, a2]);
            double g = 1 / section.Magnitude(referenceHz, fs);
            sections.AddRange([b0 * g, b1 * g, b2 * g, a1, a2]);
        }

        return new SecondOrderSections([.. sections]);
    }
}
