using Telemed.Ecg.Filters;
using Xunit;

namespace Telemed.Ecg.Tests.Filters;

public class StreamingFilterTests
{
    // Samples are float; the state is double. scipy works in double throughout.
    private const double Tolerance = 1e-4;

    public static TheoryData<int> FiltersWithOutputs()
    {
        var data = new TheoryData<int>();
        var all = ScipyFixtures.AllFilters.ToList();
        for (int i = 0; i < all.Count; i++)
        {
            if (all[i].SosFilt is not null)
            {
                data.Add(i);
            }
        }

        return data;
    }

    internal static void AssertClose(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            Assert.True(error <= Tolerance * Math.Max(1, Math.Abs(expected[i])), $"{what}: sample {i} is {actual[i]}, scipy {expected[i]} (error {error:E2})");
        }
    }

    [Theory]
    [MemberData(nameof(FiltersWithOutputs))]
    public void Output_matches_scipy_sosfilt(int index)
    {
        var f = ScipyFixtures.AllFilters.ElementAt(index);
        var filter = new StreamingFilter(f.Design());
        var y = new float[ScipyFixtures.Signal.Length];

        filter.Process(ScipyFixtures.Signal, y);

        AssertClose(f.SosFilt!, y, f.Name);
    }

    [Theory]
    [MemberData(nameof(FiltersWithOutputs))]
    public void Random_block_splits_give_exactly_the_whole_signal_output(int index)
    {
        var f = ScipyFixtures.AllFilters.ElementAt(index);
        var sos = f.Design();
        var x = ScipyFixtures.Signal;
        var whole = new float[x.Length];
        new StreamingFilter(sos).Process(x, whole);

        var rng = new Random(index);
        for (int trial = 0; trial < 5; trial++)
        {
            var filter = new StreamingFilter(sos);
            var y = new float[x.Length];
            int pos = 0;
            while (pos < x.Length)
            {
                int len = Math.Min(rng.Next(0, 40), x.Length - pos); // zero-length blocks included
                if (trial % 2 == 0)
                {
                    filter.Process(x.AsSpan(pos, len), y.AsSpan(pos, len));
                }
                else
                {
                    // In place, as a live pipeline would do it.
                    x.AsSpan(pos, len).CopyTo(y.AsSpan(pos, len));
                    filter.Process(y.AsSpan(pos, len), y.AsSpan(pos, len));
                }

                pos += len;
            }

            Assert.Equal(whole, y);
        }
    }

    [Fact]
    public void Reset_starts_over_and_SettleAt_removes_the_start_up_transient()
    {
        var sos = EcgFilterSettings.Monitoring.Design(360);
        var filter = new StreamingFilter(sos);
        var x = ScipyFixtures.Signal;
        var first = new float[x.Length];
        filter.Process(x, first);
        var second = new float[x.Length];
        filter.Reset();
        filter.Process(x, second);
        Assert.Equal(first, second);

        // A constant input with settled state: a high-pass chain gives 0, unity DC chains give the input.
        var lowPass = new StreamingFilter(FilterDesign.ButterworthLowPass(4, 40, 360).Then(FilterDesign.Notch(50, 30, 360)));
        lowPass.SettleAt(3.5);
        var constant = Enumerable.Repeat(3.5f, 500).ToArray();
        var y = new float[constant.Length];
        lowPass.Process(constant, y);
        Assert.All(y, v => Assert.Equal(3.5, v, 5));

        filter.SettleAt(3.5);
        filter.Process(constant, y);
        Assert.All(y, v => Assert.Equal(0, v, 5));
    }

    [Fact]
    public void Identity_cascade_copies_and_short_output_is_rejected()
    {
        var filter = new StreamingFilter(SecondOrderSections.Identity);
        float[] x = [1, 2, 3];
        var y = new float[3];
        filter.Process(x, y);
        Assert.Equal(x, y);
        Assert.Throws<ArgumentException>(() => filter.Process(x, new float[2]));
    }
}
