using Telemed.Ecg.Rhythm;
using Xunit;

namespace Telemed.Ecg.Tests.Rhythm;

/// <summary>Constructed RR series: what ectopy and pauses explain, and what they do not.</summary>
public sealed class UnderlyingRrTests
{
    [Fact]
    public void Ventricular_bigeminy_with_compensatory_pauses_is_explained()
    {
        // N V N V …: coupling 0.50 s, pause 1.10 s, sum 1.60 s = two sinus cycles of 0.80 s.
        var rr = new List<double>();
        var unlike = new List<bool> { false };
        for (int i = 0; i < 6; i++)
        {
            rr.AddRange([0.50, 1.10]);
            unlike.AddRange([true, false]);
        }

        var u = UnderlyingRr.Of(rr, unlike);
        Assert.Equal(rr.Count, u.Removed);
        Assert.True(u.ExplainsIrregularity(rr.Count));
    }

    [Fact]
    public void Isolated_ventricular_premature_beats_with_compensatory_pauses_leave_a_regular_rhythm()
    {
        double[] rr = [0.80, 0.82, 0.79, 0.50, 1.11, 0.80, 0.81, 0.80, 0.48, 1.12, 0.80, 0.79, 0.81];
        var unlike = new bool[rr.Length + 1];
        unlike[4] = unlike[9] = true;

        // With the ectopy the series is far from regular: the removal is what makes it so.
        Assert.True(RrIrregularity.Of(rr)!.NormalizedRmssd > 2 * RrIrregularity.NormalizedRmssdLimit);
        var u = UnderlyingRr.Of(rr, unlike);
        Assert.Equal(4, u.Compensated);
        Assert.True(u.ExplainsIrregularity(rr.Length));
    }

    [Fact]
    public void A_premature_beat_without_a_compensatory_pause_is_not_removed()
    {
        // Coupling 0.50 s + 0.80 s = 1.30 s, far from two cycles (1.60 s): the sinus node was reset.
        double[] rr = [0.80, 0.80, 0.80, 0.50, 0.80, 0.80, 0.80, 0.80];
        var unlike = new bool[rr.Length + 1];
        unlike[4] = true;
        Assert.Equal(0, UnderlyingRr.Of(rr, unlike).Compensated);
    }

    [Fact]
    public void Sinus_rhythm_with_two_pauses_of_2_5_seconds_is_explained()
    {
        double[] rr = [0.80, 0.82, 2.50, 0.81, 0.80, 0.79, 2.50, 0.80, 0.81, 0.80];
        var u = UnderlyingRr.Of(rr);
        Assert.Equal(2, u.Pauses);
        Assert.True(u.ExplainsIrregularity(rr.Length));
    }

    [Fact]
    public void Fixed_coupling_trigeminy_of_any_shape_is_removed()
    {
        // N N A …: atrial trigeminy (dominant shape, no compensatory pause), coupling fixed at 0.50 s.
        var rr = new List<double>();
        for (int i = 0; i < 4; i++)
        {
            rr.AddRange([0.80, 0.50, 0.95]);
        }

        Assert.True(RrIrregularity.Of(rr.ToArray()) is { IrregularlyIrregular: true });
        var u = UnderlyingRr.Of(rr);
        Assert.True(u.Patterned >= 6, $"{u}");
        Assert.True(u.ExplainsIrregularity(rr.Count));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Random_af_intervals_are_not_explained(int seed)
    {
        // AF: independent RR, uniform 0.45–1.05 s (mean 75 bpm), some beats aberrant (unlike) at random.
        var random = new Random(seed);
        var rr = Enumerable.Range(0, 13).Select(_ => 0.45 + (0.6 * random.NextDouble())).ToArray();
        var unlike = Enumerable.Range(0, 14).Select(_ => random.NextDouble() < 0.15).ToArray();
        var u = UnderlyingRr.Of(rr, unlike);
        Assert.False(u.ExplainsIrregularity(rr.Length), $"{u} kept [{string.Join(", ", u.Kept.Select(x => x.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))}]");
    }
}
