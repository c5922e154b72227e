using Telemed.Ecg.Filters;
using Xunit;

namespace Telemed.Ecg.Tests.Filters;

public class ZeroPhaseFilterTests
{
    public static TheoryData<int> FiltersWithOutputs() => StreamingFilterTests.FiltersWithOutputs();

    [Theory]
    [MemberData(nameof(FiltersWithOutputs))]
    public void Output_matches_scipy_sosfiltfilt_with_its_default_padding(int index)
    {
        var f = ScipyFixtures.AllFilters.ElementAt(index);

        float[] y = ZeroPhaseFilter.Apply(f.Design(), ScipyFixtures.Signal);

        StreamingFilterTests.AssertClose(f.SosFiltFilt!, y, f.Name);
    }

    [Theory]
    [InlineData(2, 1, 9)] // one biquad: 3·(2·1+1)
    [InlineData(4, 2, 15)] // 3·(2·2+1)
    [InlineData(1, 1, 6)] // first-order section: scipy counts taps 2·1+1 − 1 (b2 = a2 = 0)
    [InlineData(3, 2, 12)] // one biquad + one first-order section: 3·(2·2+1 − 1)
    public void Default_pad_length_is_scipys(int order, int sections, int pad)
    {
        var sos = FilterDesign.ButterworthLowPass(order, 30, 250);
        Assert.Equal(sections, sos.SectionCount);
        Assert.Equal(pad, ZeroPhaseFilter.DefaultPadLength(sos));
    }

    [Fact]
    public void A_sinusoid_in_the_passband_keeps_its_phase()
    {
        // Low-pass + notch only: a 0.05–0.5 Hz high-pass would add a slow edge transient (scipy too) that hides the point.
        const double fs = 500;
        var sos = FilterDesign.ButterworthLowPass(4, 40, fs).Then(FilterDesign.Notch(50, 30, fs));
        var x = new float[5000];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)Math.Sin(2 * Math.PI * 5 * i / fs);
        }

        float[] y = ZeroPhaseFilter.Apply(sos, x);
        var causal = new float[x.Length];
        new StreamingFilter(sos).Process(x, causal);

        // |H(5 Hz)|² and no delay: mid-signal samples equal the scaled input; the causal output lags visibly.
        double gain = Math.Pow(sos.Magnitude(5, fs), 2);
        double worstZeroPhase = 0, worstCausal = 0;
        for (int i = 500; i < 4500; i++)
        {
            worstZeroPhase = Math.Max(worstZeroPhase, Math.Abs(y[i] - (x[i] * gain)));
            worstCausal = Math.Max(worstCausal, Math.Abs(causal[i] - (x[i] * Math.Sqrt(gain))));
        }

        Assert.True(worstZeroPhase < 1e-4, $"zero-phase output deviates by {worstZeroPhase}");
        Assert.True(worstCausal > 0.05, $"causal output should lag (deviation {worstCausal})");
    }

    [Fact]
    public void Short_and_empty_inputs_work_and_explicit_padding_is_honoured()
    {
        var sos = FilterDesign.ButterworthLowPass(4, 40, 250);
        Assert.Empty(ZeroPhaseFilter.Apply(sos, ReadOnlySpan<float>.Empty));
        Assert.Equal([2f], ZeroPhaseFilter.Apply(sos, [2f]));

        float[] x = ScipyFixtures.Signal;
        var noPad = ZeroPhaseFilter.Apply(sos, x, padLength: 0);
        var defaultPad = ZeroPhaseFilter.Apply(sos, x);
        Assert.NotEqual(noPad, defaultPad);
        Assert.Equal(defaultPad, ZeroPhaseFilter.Apply(sos, x, padLength: 15));
        Assert.Throws<ArgumentException>(() => ZeroPhaseFilter.Apply(sos, x, new float[x.Length - 1]));
    }
}
