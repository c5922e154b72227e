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
