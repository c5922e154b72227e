using Telemed.Ecg.Detection;
using Telemed.Ecg.Measurements;
using Telemed.Ecg.Signals;
using Telemed.Ecg.Tests.Synthetic;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Ecg.Tests.Measurements;

public sealed class RestingEcgMeasurerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(128)]
    [InlineData(250)]
    [InlineData(500)]
    [InlineData(1000)]
    public void Normal_sinus_intervals_match_the_synthetic_truth(double fs)
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { SamplingRate = fs, HeartRateBpm = 72, PrSeconds = 0.17, QrsSeconds = 0.09, QtSeconds = 0.39, WhiteNoiseMv = 0.01, BaselineWanderMv = 0.15 });
        var m = RestingEcgMeasurer.Measure(ecg.Recording, Jitter(ecg.Beats, fs, 0.004));
        Report(m, ecg);

        // Beat times are exact to a sample (plus the ±4 ms jitter): RR within 2 ms, rate within 0.5 bpm.
        Assert.Equal(72, m.HeartRateBpm!.Value, 0.5);
        Assert.Equal(60000.0 / 72, m.RrMeanMs!.Value, 2.0);
        double sampleMs = 1000 / fs;
        Assert.InRange(m.QrsMs!.Value, ecg.TrueQrsMs - 10 - sampleMs, ecg.TrueQrsMs + 10 + sampleMs);
        Assert.InRange(m.PrMs!.Value, ecg.TruePrMs - 15 - sampleMs, ecg.TruePrMs + 15 + sampleMs);
        Assert.InRange(m.QtMs!.Value, ecg.TrueQtMs - 20, ecg.TrueQtMs + 20);
        Assert.InRange(m.FrontalAxisDegrees!.Value, ecg.TrueAxisDegrees - 15, ecg.TrueAxisDegrees + 15);
    }

    [Theory]
    [InlineData(250, 0.13)]
    [InlineData(500, 0.13)]
    [InlineData(1000, 0.15)]
    [InlineData(500, 0.07)]
    public void Qrs_duration_follows_narrow_and_wide_complexes(double fs, double qrsSeconds)
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { SamplingRate = fs, QrsSeconds = qrsSeconds, QtSeconds = 0.44, WhiteNoiseMv = 0.01 });
        var m = RestingEcgMeasurer.Measure(ecg.Recording, Jitter(ecg.Beats, fs, 0.004));
        Report(m, ecg);
        var f = m.Fiducials!;
        double sampleMs = 1000 / fs;
        Assert.Equal(ecg.QrsOnsetFromFiducial * 1000, f.MillisecondsFromFiducial(f.QrsOnset)!.Value, 10 + sampleMs);
        Assert.Equal((ecg.QrsOnsetFromFiducial * 1000) + ecg.TrueQrsMs, f.MillisecondsFromFiducial(f.QrsOffset)!.Value, 10 + sampleMs);
        Assert.InRange(m.QtMs!.Value, ecg.TrueQtMs - 20, ecg.TrueQtMs + 20);
    }

    [Theory]
    [InlineData(250, 50)]
    [InlineData(500, 85)]
    [InlineData(1000, 110)]
    public void Qtc_follows_bazett_and_fridericia_from_the_measured_qt_and_rr(double fs, double bpm)
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { SamplingRate = fs, HeartRateBpm = bpm, QtSeconds = 0.42 * Math.Pow(60 / bpm, 1 / 3.0), PrSeconds = 0.14, WhiteNoiseMv = 0.01 });
        var m = RestingEcgMeasurer.Measure(ecg.Recording, ecg.Beats);
        Report(m, ecg);
        double rrSeconds = m.RrMeanMs!.Value / 1000;
        Assert.Equal(60 / bpm, rrSeconds, 0.002);
        Assert.Equal(m.QtMs!.Value / Math.Sqrt(rrSeconds), m.QtcBazettMs!.Value, 1e-6);
        Assert.Equal(m.QtMs!.Value / Math.Cbrt(rrSeconds), m.QtcFridericiaMs!.Value, 1e-6);

        // The synthetic QT was built to Fridericia's law with QTc 420 ms.
        Assert.InRange(m.QtcFridericiaMs!.Value, 400, 440);
    }

    [Theory]
    [InlineData(250)]
    [InlineData(500)]
    [InlineData(1000)]
    public void St_level_at_j_plus_60_matches_the_known_offsets(double fs)
    {
        var st = new Dictionary<LeadId, double> { [LeadId.V1] = 0.1, [LeadId.V2] = 0.3, [LeadId.V3] = 0.25, [LeadId.V5] = -0.15, [LeadId.V6] = -0.1 };
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { SamplingRate = fs, StOffsetsMv = st, WhiteNoiseMv = 0.02, BaselineWanderMv = 0.2, MainsMv = 0.05 });
        var m = RestingEcgMeasurer.Measure(ecg.Recording, Jitter(ecg.Beats, fs, 0.004));
        Report(m, ecg);
        foreach (var lead in LeadNames.Standard12)
        {
            double truth = ecg.CleanValue(lead, (ecg.TrueQrsMs + 60) / 1000);
            Assert.Equal(st.GetValueOrDefault(lead), truth, 0.02);
            Assert.Equal(truth, m.StJ60Millivolts[lead], 0.05);
        }
    }

    [Fact]
    public void No_p_wave_gives_a_null_pr_not_a_number()
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { PAmplitudeMv = 0, WhiteNoiseMv = 0.01 });
        var m = RestingEcgMeasurer.Measure(ecg.Recording, ecg.Beats);
        Assert.Null(m.PrMs);
        Assert.Null(m.Fiducials!.POnset);
        Assert.NotNull(m.QrsMs);
    }

    [Theory]
    [InlineData(-60)]
    [InlineData(-30)]
    [InlineData(0)]
    [InlineData(45)]
    [InlineData(90)]
    [InlineData(120)]
    public void Frontal_axis_within_15_degrees(double axis)
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { AxisDegrees = axis, WhiteNoiseMv = 0.01 });
        var m = RestingEcgMeasurer.Measure(ecg.Recording, ecg.Beats);
        output.WriteLine($"axis {m.FrontalAxisDegrees:F1} true {ecg.TrueAxisDegrees:F1}");
        double error = Math.IEEERemainder(m.FrontalAxisDegrees!.Value - ecg.TrueAxisDegrees, 360);
        Assert.InRange(error, -15, 15);
    }

    [Fact]
    public void Eight_stored_leads_get_derived_limb_leads_and_an_axis()
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { EightLeadsOnly = true, AxisDegrees = -30, WhiteNoiseMv = 0.01 });
        Assert.Equal(8, ecg.Recording.Leads.Count);
        var m = RestingEcgMeasurer.Measure(ecg.Recording, ecg.Beats);
        Assert.Equal(12, m.MedianBeats.Count);
        Assert.Contains(LeadId.aVF, m.StJ60Millivolts.Keys);
        Assert.InRange(Math.IEEERemainder(m.FrontalAxisDegrees!.Value - ecg.TrueAxisDegrees, 360), -15, 15);
    }

    [Fact]
    public void A_misdetected_beat_is_left_out_of_the_median()
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { WhiteNoiseMv = 0.01 });

        // A false detection on a T wave: premature by RR and unlike the dominant QRS.
        var fs = ecg.Recording.SamplingRate;
        var beats = ecg.Beats.Append(new Beat(ecg.Beats[4].Sample + (long)(0.3 * fs), 0.4f)).OrderBy(b => b.Sample).ToList();
        var m = RestingEcgMeasurer.Measure(ecg.Recording, beats);
        var clean = RestingEcgMeasurer.Measure(ecg.Recording, ecg.Beats);
        // The false beat goes, and with it the true beat after it, whose RR now looks premature.
        Assert.InRange(m.BeatsExcluded, clean.BeatsExcluded + 1, clean.BeatsExcluded + 2);
        Assert.Equal(beats.Count, m.BeatsUsed + m.BeatsExcluded);
        Assert.Equal(clean.QrsMs!.Value, m.QrsMs!.Value, 4.0);
        Assert.Equal(clean.QtMs!.Value, m.QtMs!.Value, 4.0);
        var median = m.MedianBeats[LeadId.V5];
        Assert.Equal(m.BeatsUsed, median.BeatCount);
        Assert.Equal((int)Math.Round(0.5 * fs), median.FiducialIndex);
    }

    [Fact]
    public void Without_beats_every_measurement_is_null()
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions());
        var m = RestingEcgMeasurer.Measure(ecg.Recording, []);
        Assert.Null(m.HeartRateBpm);
        Assert.Null(m.RrMeanMs);
        Assert.Null(m.QrsMs);
        Assert.Null(m.QtMs);
        Assert.Null(m.FrontalAxisDegrees);
        Assert.Null(m.Fiducials);
        Assert.Empty(m.MedianBeats);
    }

    private void Report(RestingEcgMeasurements m, SyntheticEcg ecg)
    {
        output.WriteLine($"HR {m.HeartRateBpm:F1} RR {m.RrMeanMs:F1}±{m.RrSdMs:F1} PR {m.PrMs:F1}/{ecg.TruePrMs:F1} QRS {m.QrsMs:F1}/{ecg.TrueQrsMs:F1} QT {m.QtMs:F1}/{ecg.TrueQtMs:F1} QTcB {m.QtcBazettMs:F1} axis {m.FrontalAxisDegrees:F1}/{ecg.TrueAxisDegrees:F1} used {m.BeatsUsed} excl {m.BeatsExcluded}");
        if (m.Fiducials is { } f)
        {
            output.WriteLine($"onset {f.MillisecondsFromFiducial(f.QrsOnset):F1} true {ecg.QrsOnsetFromFiducial * 1000:F1}; J {f.MillisecondsFromFiducial(f.QrsOffset):F1} true {(ecg.QrsOnsetFromFiducial * 1000) + ecg.TrueQrsMs:F1}");
        }

        foreach (var (lead, st) in m.StJMillivolts)
        {
            output.WriteLine($"{lead}: STJ {st:F3} STJ60 {m.StJ60Millivolts.GetValueOrDefault(lead):F3} true J60 {ecg.CleanValue(lead, (ecg.TrueQrsMs + 60) / 1000):F3}");
        }
    }

    // Mimic a detector: fiducials wander by up to ±maxSeconds (deterministic).
    internal static IReadOnlyList<Beat> Jitter(IReadOnlyList<Beat> beats, double fs, double maxSeconds)
    {
        var random = new Random(7);
        int max = (int)Math.Round(maxSeconds * fs);
        return [.. beats.Select(b => b with { Sample = b.Sample + random.Next(-max, max + 1) })];
    }
}
