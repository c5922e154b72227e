using System.Numerics;
using Telemed.Ecg.Filters;
using Xunit;

namespace Telemed.Ecg.Tests.Filters;

/// <summary>Our designs against scipy.signal.butter / iirnotch (fixture from make_filter_fixtures.py).</summary>
public class FilterDesignTests
{
    // Responses are compared as complex numbers (magnitude and phase): equal at this many points, two rational
    // functions of this low order are the same transfer function, however the sections are ordered or paired.
    private const double RelativeTolerance = 1e-6;
    private const double AbsoluteFloor = 1e-9;

    internal static void AssertResponse(Complex[] expected, Func<double, Complex> actual, double[] frequencies, string what)
    {
        Assert.Equal(expected.Length, frequencies.Length);
        for (int i = 0; i < frequencies.Length; i++)
        {
            Complex ours = actual(frequencies[i]);
            double error = (ours - expected[i]).Magnitude;
            double allowed = (RelativeTolerance * expected[i].Magnitude) + AbsoluteFloor;
            Assert.True(error <= allowed, $"{what}: H({frequencies[i]} Hz) = {ours}, scipy {expected[i]} (|error| {error:E2} > {allowed:E2})");

            double magnitudeError = Math.Abs(ours.Magnitude - expected[i].Magnitude);
            Assert.True(magnitudeError <= allowed, $"{what}: |H({frequencies[i]} Hz)| = {ours.Magnitude}, scipy {expected[i].Magnitude}");
        }
    }

    public static TheoryData<int> FilterIndices()
    {
        var data = new TheoryData<int>();
        int n = ScipyFixtures.AllFilters.Count();
        for (int i = 0; i < n; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Fact]
    public void Fixture_covers_every_rate_and_filter()
    {
        Assert.Equal([128.0, 250, 360, 500, 1000], ScipyFixtures.Rates.Select(r => r.SamplingRate));
        Assert.Equal(5 + 6 + 7 + 7 + 7 + (5 * 3), ScipyFixtures.AllFilters.Count());
        Assert.Equal(160, ScipyFixtures.Signal.Length);
    }

    [Theory]
    [MemberData(nameof(FilterIndices))]
    public void Response_matches_scipy(int index)
    {
        var f = ScipyFixtures.AllFilters.ElementAt(index);
        var ours = f.Design();

        // Same number of biquads as scipy (a first-order section counts as one).
        Assert.Equal(f.Sos.Length, ours.SectionCount);
        AssertResponse(f.Response, hz => ours.Response(hz, f.SamplingRate), f.Frequencies, f.Name);

        // Sanity of the fixture reading itself: scipy's sections through our evaluator give scipy's response.
        var theirs = f.ScipySections();
        AssertResponse(f.Response, hz => theirs.Response(hz, f.SamplingRate), f.Frequencies, f.Name + " (scipy sections)");
    }

    [Theory]
    [MemberData(nameof(FilterIndices))]
    public void Poles_match_scipy(int index)
    {
        var f = ScipyFixtures.AllFilters.ElementAt(index);
        var ours = Poles(f.Design()).OrderBy(p => p.Real).ThenBy(p => p.Imaginary).ToArray();
        var theirs = Poles(f.ScipySections()).OrderBy(p => p.Real).ThenBy(p => p.Imaginary).ToArray();

        Assert.Equal(theirs.Length, ours.Length);
        for (int i = 0; i < ours.Length; i++)
        {
            Assert.True((ours[i] - theirs[i]).Magnitude < 1e-9, $"{f.Name}: pole {ours[i]} vs scipy {theirs[i]}");
            Assert.True(ours[i].Magnitude < 1, $"{f.Name}: pole {ours[i]} is not inside the unit circle");
        }
    }

    [Fact]
    public void Gain_is_unity_in_the_passband_and_minus_3dB_at_the_cutoff()
    {
        double half = 1 / Math.Sqrt(2);
        foreach (double fs in new[] { 128.0, 250, 360, 500, 1000 })
        {
            var hp = FilterDesign.ButterworthHighPass(2, 0.5, fs);
            Assert.Equal(half, hp.Magnitude(0.5, fs), 9);
            Assert.Equal(1, hp.Magnitude(fs / 2, fs), 9);
            Assert.Equal(0, hp.Magnitude(0, fs), 9);

            var lp = FilterDesign.ButterworthLowPass(4, 40, fs);
            Assert.Equal(half, lp.Magnitude(40, fs), 9);
            Assert.Equal(1, lp.Magnitude(0, fs), 9);
            Assert.Equal(0, lp.Magnitude(fs / 2, fs), 9);

            var notch = FilterDesign.Notch(50, 30, fs);
            Assert.Equal(0, notch.Magnitude(50, fs), 9);
            Assert.Equal(1, notch.Magnitude(0, fs), 9);

            var bp = FilterDesign.ButterworthBandPass(2, 0.5, 40, fs);
            Assert.Equal(half, bp.Magnitude(0.5, fs), 9);
            Assert.Equal(half, bp.Magnitude(40, fs), 9);
        }
    }

    [Fact]
    public void High_pass_at_0_05_Hz_and_1000_Hz_is_stable()
    {
        var sos = FilterDesign.ButterworthHighPass(2, 0.05, 1000);
        var poles = Poles(sos);
        Assert.Equal(2, poles.Count);
        foreach (var p in poles)
        {
            Assert.True(p.Magnitude < 1, $"pole {p} (|p| = {p.Magnitude}) is on or outside the unit circle");
            Assert.True(p.Magnitude > 0.999, $"pole {p}: a 0.05 Hz corner at 1 kHz must sit close to z = 1");
        }

        // Stability triangle of each biquad: |a2| < 1 and |a1| < 1 + a2.
        var (_, _, _, a1, a2) = sos.Section(0);
        Assert.True(Math.Abs(a2) < 1 && Math.Abs(a1) < 1 + a2);

        // And in practice: the impulse response decays.
        var filter = new StreamingFilter(sos);
        var x = new float[200_000];
        x[0] = 1;
        filter.Process(x, x);
        Assert.True(Math.Abs(x[^1]) < 1e-6, $"impulse response still {x[^1]} after 200 s");
        Assert.All(x, v => Assert.True(float.IsFinite(v)));

        var diagnostic = EcgFilterSettings.Diagnostic.Design(1000);
        Assert.All(Poles(diagnostic), p => Assert.True(p.Magnitude < 1, $"Diagnostic chain pole {p} at 1000 Hz"));
    }

    [Theory]
    [InlineData(0, 0.5, 250)]
    [InlineData(13, 0.5, 250)]
    [InlineData(2, 0, 250)]
    [InlineData(2, 125, 250)]
    [InlineData(2, 200, 250)]
    [InlineData(2, -1, 250)]
    [InlineData(2, 1, 0)]
    public void Invalid_specifications_are_rejected(int order, double cutoff, double fs)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FilterDesign.ButterworthLowPass(order, cutoff, fs));
        Assert.Throws<ArgumentOutOfRangeException>(() => FilterDesign.ButterworthHighPass(order, cutoff, fs));
    }

    [Fact]
    public void Invalid_band_and_notch_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FilterDesign.ButterworthBandPass(2, 40, 0.5, 250));
        Assert.Throws<ArgumentOutOfRangeException>(() => FilterDesign.ButterworthBandPass(2, 40, 40, 250));
        Assert.Throws<ArgumentOutOfRangeException>(() => FilterDesign.Notch(50, 0, 250));
        Assert.Throws<ArgumentOutOfRangeException>(() => FilterDesign.Notch(60, 30, 100));
    }

    /// <summary>Roots of z² + a1·z + a2 for every section (one root for a first-order section).</summary>
    internal static List<Complex> Poles(SecondOrderSections sos)
    {
        var poles = new List<Complex>();
        for (int s = 0; s < sos.SectionCount; s++)
        {
            var (_, _, _, a1, a2) = sos.Section(s);
            if (a2 == 0)
            {
                poles.Add(-a1);
                continue;
            }

            var d = Complex.Sqrt((a1 * a1) - (4 * a2));
            poles.Add((-a1 + d) / 2);
            poles.Add((-a1 - d) / 2);
        }

        return poles;
    }
}
