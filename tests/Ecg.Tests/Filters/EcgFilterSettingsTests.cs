using Telemed.Ecg.Filters;
using Xunit;

namespace Telemed.Ecg.Tests.Filters;

public class EcgFilterSettingsTests
{
    public static TheoryData<double> Rates() => [128.0, 250, 360, 500, 1000];

    [Theory]
    [MemberData(nameof(Rates))]
    public void Monitoring_chain_matches_scipy(double fs)
    {
        var rate = ScipyFixtures.Rates.Single(r => r.SamplingRate == fs);
        var sos = EcgFilterSettings.Monitoring.Design(fs);

        // HP 0.5 (1 biquad) + LP 40 order 4 (2) + 50 Hz notch (1); all below 0.95·Nyquist even at 128 Hz.
        Assert.Equal(4, sos.SectionCount);
        FilterDesignTests.AssertResponse(rate.Monitoring, hz => sos.Response(hz, fs), rate.Frequencies, $"Monitoring at {fs} Hz");
    }

    [Theory]
    [InlineData(128.0, 2)] // 150 Hz low-pass left out
    [InlineData(250.0, 2)] // 150 Hz ≥ 0.95·125
    [InlineData(360.0, 4)]
    [InlineData(500.0, 4)]
    [InlineData(1000.0, 4)]
    public void Diagnostic_chain_matches_scipy(double fs, int sections)
    {
        var rate = ScipyFixtures.Rates.Single(r => r.SamplingRate == fs);
        var sos = EcgFilterSettings.Diagnostic.Design(fs);

        Assert.Equal(sections, sos.SectionCount);
        FilterDesignTests.AssertResponse(rate.Diagnostic, hz => sos.Response(hz, fs), rate.Frequencies, $"Diagnostic at {fs} Hz");
    }

    [Fact]
    public void Stages_out_of_range_or_absent_are_left_out()
    {
        Assert.Equal(0, new EcgFilterSettings(null, null, null).Design(250).SectionCount);
        Assert.Equal(1, new EcgFilterSettings(0.5, null, null).Design(250).SectionCount);
        Assert.Equal(0, new EcgFilterSettings(null, 100, 60).Design(100).SectionCount);
        Assert.Equal(1, new EcgFilterSettings(null, null, 60, NotchQuality: 10).Design(250).SectionCount);
        Assert.Equal(3, new EcgFilterSettings(1, 20, null, HighPassOrder: 1, LowPassOrder: 3).Design(250).SectionCount);
    }
}
