namespace Telemed.Ecg.Filters;

/// <summary>
/// Causal filtering of one channel block by block: the state carries across blocks, so a live stream cut into
/// arbitrary blocks gives exactly the output of filtering it whole. No allocation after construction.
/// </summary>
public sealed class StreamingFilter
{
    private readonly double[] _c;
    private readonly double[] _state;

    public StreamingFilter(SecondOrderSections sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        Sections = sections;
        _c = sections.Coefficients.ToArray();
        _state = new double[sections.SectionCount * 2];
    }

    public SecondOrderSections Sections { get; }

    /// <summary>Clears the state (a new recording).</summary>
    public void Reset() => Array.Clear(_state);

    /// <summary>Sets the state as if the input had been <paramref name="value"/> forever (no start-up transient).</summary>
    public void SettleAt(double value)
    {
        var zi = Sections.SteadyStateForUnitStep();
        for (int i = 0; i < zi.Length; i++)
        {
            _state[i] = zi[i] * value;
        }
    }

    /// <summary>Filters <paramref name="input"/> into <paramref name="output"/> (same length; may be the same span).</summary>
    public void Process(ReadOnlySpan<float> input, Span<float> output)
    {
        if (output.Length < input.Length)
        {
            throw new ArgumentException("Output is shorter than input.", nameof(output));
        }

        var c = _c;
        var st = _state;
        int sections = c.Length / 5;
        if (sections == 0)
        {
            input.CopyTo(output);
            return;
        }

        // Section-major: one biquad over the whole block keeps its coefficients and state in registers.
        for (int s = 0; s < sections; s++)
        {
            double b0 = c[5 * s], b1 = c[(5 * s) + 1], b2 = c[(5 * s) + 2], a1 = c[(5 * s) + 3], a2 = c[(5 * s) + 4];
            double z1 = st[2 * s], z2 = st[(2 * s) + 1];
            ReadOnlySpan<float> src = s == 0 ? input : output;
            for (int i = 0; i < input.Length; i++)
            {
                double x = src[i];
                double y = (b0 * x) + z1;
                z1 = (b1 * x) - (a1 * y) + z2;
                z2 = (b2 * x) - (a2 * y);
                output[i] = (float)y;
            }

            st[2 * s] = z1;
            st[(2 * s) + 1] = z2;
        }
    }
}
