namespace Telemed.Ecg.Filters;

/// <summary>
/// Forward–backward filtering for diagnostic reading: no phase distortion (ST segments and intervals keep their
/// timing), squared magnitude response. Edges as scipy.signal.sosfiltfilt: odd extension of
/// <c>padLength</c> samples and steady-state initial conditions scaled by the first sample.
/// </summary>
public static class ZeroPhaseFilter
{
    /// <summary>
    /// scipy's default pad length for a cascade (sosfiltfilt, scipy 1.10): 3·(2·sections + 1 − k), where k counts
    /// first-order sections, i.e. min(sections with b2 = 0, sections with a2 = 0).
    /// </summary>
    public static int DefaultPadLength(SecondOrderSections sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        int zeroB2 = 0, zeroA2 = 0;
        for (int s = 0; s < sections.SectionCount; s++)
        {
            var (_, _, b2, _, a2) = sections.Section(s);
            zeroB2 += b2 == 0 ? 1 : 0;
            zeroA2 += a2 == 0 ? 1 : 0;
        }

        return 3 * ((2 * sections.SectionCount) + 1 - Math.Min(zeroB2, zeroA2));
    }

    public static float[] Apply(SecondOrderSections sections, ReadOnlySpan<float> input, int? padLength = null)
    {
        var output = new float[input.Length];
        Apply(sections, input, output, padLength);
        return output;
    }

    public static void Apply(SecondOrderSections sections, ReadOnlySpan<float> input, Span<float> output, int? padLength = null)
    {
        ArgumentNullException.ThrowIfNull(sections);
        int n = input.Length;
        if (output.Length < n)
        {
            throw new ArgumentException("Output is shorter than input.", nameof(output));
        }

        if (n == 0)
        {
            return;
        }

        int pad = Math.Min(padLength ?? DefaultPadLength(sections), n - 1);

        // Odd extension: x[-k] = 2·x[0] − x[k], x[n-1+k] = 2·x[n-1] − x[n-1-k].
        var ext = new float[n + (2 * pad)];
        for (int k = 0; k < pad; k++)
        {
            ext[k] = (2 * input[0]) - input[pad - k];
            ext[pad + n + k] = (2 * input[n - 1]) - input[n - 2 - k];
        }

        input.CopyTo(ext.AsSpan(pad));

        var filter = new StreamingFilter(sections);
        filter.SettleAt(ext[0]);
        filter.Process(ext, ext);
        Array.Reverse(ext);
        filter.SettleAt(ext[0]);
        filter.Process(ext, ext);
        Array.Reverse(ext);
        ext.AsSpan(pad, n).CopyTo(output);
    }
}
