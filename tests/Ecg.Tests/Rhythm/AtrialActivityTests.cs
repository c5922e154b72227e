using Telemed.Ecg.Rhythm;
using Telemed.Ecg.Tests.Synthetic;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Ecg.Tests.Rhythm;

public sealed class AtrialActivityTests(ITestOutputHelper output)
{
    // Irregular, so that the RR alone would suggest AF; every interval long enough for the pre-QRS segment to be clear of the T wave.
    private static readonly double[] IrregularRr = [0.70, 1.05, 0.62, 0.95, 0.80, 1.10, 0.66, 0.90, 0.75, 1.00, 0.64, 0.88];

    [Theory]
    [InlineData(360, 0.15)]
    [InlineData(500, 0.10)]
    public void P_waves_before_every_beat_repeat_beat_to_beat(double fs, double pMv)
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { SamplingRate = fs, RrSeconds = IrregularRr, PAmplitudeMv = pMv, WhiteNoiseMv = 0.02, BaselineWanderMv = 0.1 });
        var atrial = AtrialActivity.Of(ecg.Recording, BeatMorphology.Of(ecg.Recording, ecg.Beats));
        output.WriteLine($"{atrial}");
        Assert.NotNull(atrial);
        Assert.True(atrial.Snr >= AtrialActivity.ConsistentSnr, $"ratio {atrial.Snr:0.0}");
        Assert.InRange(atrial.AmplitudeMv, 0.5 * pMv, 2 * pMv);
    }

    [Theory]
    [InlineData(360, 1)]
    [InlineData(500, 2)]
    public void Fibrillatory_waves_without_p_waves_do_not_repeat(double fs, int seed)
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { SamplingRate = fs, RrSeconds = IrregularRr, PAmplitudeMv = 0, FibrillationMv = 0.08, WhiteNoiseMv = 0.02, Seed = seed });
        var atrial = AtrialActivity.Of(ecg.Recording, BeatMorphology.Of(ecg.Recording, ecg.Beats));
        output.WriteLine($"{atrial}");
        Assert.NotNull(atrial);
        Assert.True(atrial.Snr < AtrialActivity.InconsistentSnr, $"ratio {atrial.Snr:0.0}");
    }

    [Fact]
    public void Too_few_comparable_beats_give_no_verdict()
    {
        // Three beats: only two follow another beat, fewer than the minimum.
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { RrSeconds = [0.9, 0.9, 5], DurationSeconds = 4, WhiteNoiseMv = 0.01 });
        Assert.Null(AtrialActivity.Of(ecg.Recording, BeatMorphology.Of(ecg.Recording, ecg.Beats)));
    }
}
