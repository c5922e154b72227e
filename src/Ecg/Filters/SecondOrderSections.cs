using System.Numerics;

namespace Telemed.Ecg.Filters;

/// <summary>
/// An IIR filter as a cascade of second-order sections (biquads), each b0 b1 b2 / 1 a1 a2.
/// Cascaded biquads stay stable and accurate where one high-order polynomial would not
/// (a 0.05 Hz high-pass at 1 kHz puts poles within 3e-4 of the unit circle).
/// Immutable; run it with <see cref="StreamingFilter"/> (causal) or <see cref="ZeroPhaseFilter"/> (forward–backward).
/// </summary>
public sealed class SecondOrderSections
{
    // Per section: b0, b1, b2, a1, a2 (a0 normalised to 1).
    private readonly double[] _coefficients;

    public SecondOrderSections(double[] coefficients)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        if (coefficients.Length % 5 != 0)
        {
            throw new ArgumentException("Coefficients come in groups of five: b0 b1 b2 a1 a2.", nameof(coefficients));
        }

        _coefficients = [.. coefficients]; // immutable: the caller keeps its array
    }

    public static SecondOrderSections Identity { get; } = new([]);

    public int SectionCount => _coefficients.Length / 5;

    internal ReadOnlySpan<double> Coefficients => _coefficients;

    /// <summary>Section <paramref name="index"/> as (b0, b1, b2, a1, a2).</summary>
    public (double B0, double B1, double B2, double A1, double A2) Section(int index)
    {
        int k = index * 5;
        return (_coefficients[k], _coefficients[k + 1], _coefficients[k + 2], _coefficients[k + 3], _coefficients[k + 4]);
    }

    /// <summary>This cascade followed by <paramref name="next"/>.</summary>
    public SecondOrderSections Then(SecondOrderSections next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return new SecondOrderSections([.. _coefficients, .. next._coefficients]);
    }

    /// <summary>Complex frequency response at <paramref name="frequencyHz"/>.</summary>
    public Complex Response(double frequencyHz, double samplingRate)
    {
        double w = 2 * Math.PI * frequencyHz / samplingRate;
        var z1 = Complex.FromPolarCoordinates(1, -w);
        var z2 = z1 * z1;
        Complex h = Complex.One;
        for (int k = 0; k < _coefficients.Length; k += 5)
        {
            h *= (_coefficients[k] + (_coefficients[k + 1] * z1) + (_coefficients[k + 2] * z2))
                / (1 + (_coefficients[k + 3] * z1) + (_coefficients[k + 4] * z2));
        }

        return h;
    }

    /// <summary>|H(f)|.</summary>
    public double Magnitude(double frequencyHz, double samplingRate) => Response(frequencyHz, samplingRate).Magnitude;

    /// <summary>
    /// Initial state for a steady input of 1 (scipy's sosfilt_zi): starting a filter from
    /// x[0]·zi removes the start-up transient for signals that begin away from zero.
    /// </summary>
    public double[] SteadyStateForUnitStep()
    {
        var zi = new double[SectionCount * 2];
        double scale = 1;
        for (int s = 0; s < SectionCount; s++)
        {
            var (b0, b1, b2, a1, a2) = Section(s);
            double gain = (b0 + b1 + b2) / (1 + a1 + a2);

            // Direct form II transposed at rest with x = scale: y = gain·scale,
            // z1 = y − b0·x, z2 = b2·x − a2·y.
            zi[2 * s] = scale * (gain - b0);
            zi[(2 * s) + 1] = scale * (b2 - (a2 * gain));
            scale *= gain;
        }

        return zi;
    }
}
