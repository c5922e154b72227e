using Telemed.Ecg.Detection;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.Signals;
using Telemed.Ecg.Tests.Synthetic;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Ecg.Tests.Rhythm;

/// <summary>
/// The AF and VT rules on synthetic ECGs with known beats. P waves are left out wherever AF must be judged on the RR
/// alone (consistent P waves suppress the AF flag by themselves).
/// </summary>
public sealed class EctopyAndVtRunTests(ITestOutputHelper output)
{
    private static readonly SyntheticEcgOptions NoP = new() { PAmplitudeMv = 0, WhiteNoiseMv = 0.01 };

    [Fact]
    public void Regular_rhythm_with_fiducials_jittering_80_ms_is_not_af()
    {
        // Paced-like: the detector puts the fiducial anywhere between pacing spike and QRS peak (MIT-BIH 107).
        var ecg = SyntheticEcg.Create(NoP with { HeartRateBpm = 72, QrsSeconds = 0.14 });
        double fs = ecg.Recording.SamplingRate;
        var random = new Random(7);
        var jittered = ecg.Beats.Select(b => new Beat(b.Sample + (long)Math.Round((random.NextDouble() * 0.16 - 0.08) * fs), 1f)).ToList();
        var rr = jittered.Zip(jittered.Skip(1), (a, b) => (b.Sample - a.Sample) / fs).ToArray();
        Assert.True(RrIrregularity.Of(rr) is { IrregularlyIrregular: true }, "the jitter must be enough to fool the RR test on detector times");

        var flags = RhythmFlagger.Evaluate(ecg.Recording, jittered, null, null);
        output.WriteLine(string.Join("\n", flags));
        Assert.DoesNotContain(flags, f => f.Kind == EcgFlagKind.IrregularlyIrregular);
    }

    [Fact]
    public void Random_af_intervals_without_p_waves_are_af()
    {
        var random = new Random(3);
        var rr = Enumerable.Range(0, 20).Select(_ => 0.45 + (0.6 * random.NextDouble())).ToArray();
        var ecg = SyntheticEcg.Create(NoP with { RrSeconds = rr, FibrillationMv = 0.05 });
        var flags = RhythmFlagger.Evaluate(ecg.Recording, ecg.Beats, null, null);
        output.WriteLine(string.Join("\n", flags));
        Assert.Contains(flags, f => f.Kind == EcgFlagKind.IrregularlyIrregular);
    }

    [Fact]
    public void Trigeminy_with_fixed_coupling_is_not_af()
    {
        var ecg = SyntheticEcg.Create(NoP with { RrSeconds = [0.80, 0.50, 0.95] });
        var rr = ecg.RPeakTimes.Zip(ecg.RPeakTimes.Skip(1), (a, b) => b - a).ToArray();
        Assert.True(RrIrregularity.Of(rr) is { IrregularlyIrregular: true }, "trigeminy passes the plain RR test");
        Assert.DoesNotContain(RhythmFlagger.Evaluate(ecg.Recording, ecg.Beats, null, null), f => f.Kind == EcgFlagKind.IrregularlyIrregular);
    }

    [Fact]
    public void Sinus_rhythm_with_two_pauses_of_2_5_seconds_is_not_af()
    {
        var ecg = SyntheticEcg.Create(NoP with { RrSeconds = [0.8, 0.8, 2.5, 0.8, 0.8, 2.5, 0.8, 0.8, 0.8, 0.8], DurationSeconds = 14 });
        var flags = RhythmFlagger.Evaluate(ecg.Recording, ecg.Beats, null, null);
        output.WriteLine(string.Join("\n", flags));
        Assert.DoesNotContain(flags, f => f.Kind is EcgFlagKind.IrregularlyIrregular or EcgFlagKind.Pause);
    }

    [Fact]
    public void A_run_of_5_wide_fast_beats_in_sinus_rhythm_is_vt_suspect()
    {
        // Beats 0–5 sinus at 0.85 s, then 5 wide beats at 0.40 s (150 bpm), then sinus again.
        double[] rr = [0.85, 0.85, 0.85, 0.85, 0.85, 0.50, 0.40, 0.40, 0.40, 0.40, 1.0, 0.85, 0.85, 0.85, 0.85];
        var recording = Spliced(rr, wide: [6, 7, 8, 9, 10], out var beats, out var ecg);
        var flags = RhythmFlagger.Evaluate(recording, beats, null, null);
        output.WriteLine(string.Join("\n", flags));
        var vt = Assert.Single(flags, f => f.Kind == EcgFlagKind.WideComplexTachycardia);
        Assert.Equal(EcgUrgency.Stat, vt.Urgency);
        Assert.Contains(vt.Evidence, e => e.StartSeconds is double s && Math.Abs(s - ecg.RPeakTimes[6]) < 0.15 && e.Value >= RhythmFlagger.WideQrsMs);
    }

    [Fact]
    public void Isolated_wide_premature_beats_are_not_vt()
    {
        double[] rr = [0.85, 0.85, 0.50, 1.20, 0.85, 0.85, 0.50, 1.20, 0.85, 0.85, 0.50, 1.20, 0.85];
        var recording = Spliced(rr, wide: [3, 7, 11], out var beats, out _);
        var flags = RhythmFlagger.Evaluate(recording, beats, null, null);
        output.WriteLine(string.Join("\n", flags));
        Assert.DoesNotContain(flags, f => f.Kind is EcgFlagKind.WideComplexTachycardia or EcgFlagKind.IrregularlyIrregular);
    }

    /// <summary>
    /// Two renderings of the same beat times, one narrow sinus and one wide (150 ms, left axis, no P wave, as a
    /// ventricular beat), spliced so that the beats listed in <paramref name="wide"/> come from the wide one. Each
    /// wide beat spans from 0.25 s before its R peak to 0.35 s after, where both renderings are near baseline.
    /// </summary>
    private static EcgRecording Spliced(double[] rr, int[] wide, out List<Beat> beats, out SyntheticEcg narrow)
    {
        narrow = SyntheticEcg.Create(new SyntheticEcgOptions { RrSeconds = rr, WhiteNoiseMv = 0.01, DurationSeconds = 12 });
        var broad = SyntheticEcg.Create(new SyntheticEcgOptions
        {
            RrSeconds = rr, WhiteNoiseMv = 0.01, DurationSeconds = 12, QrsSeconds = 0.15, QtSeconds = 0.36, PAmplitudeMv = 0, RAmplitudeMv = 1.5, SAmplitudeMv = 0.6, AxisDegrees = -60,
        });
        double fs = narrow.Recording.SamplingRate;
        var leads = new List<EcgLead>();
        for (int l = 0; l < narrow.Recording.Leads.Count; l++)
        {
            var samples = narrow.Recording.Leads[l].Samples.ToArray();
            var other = broad.Recording.Leads[l].Samples.Span;
            foreach (int b in wide)
            {
                int from = (int)Math.Round((narrow.RPeakTimes[b] - 0.25) * fs), to = Math.Min(samples.Length, (int)Math.Round((narrow.RPeakTimes[b] + 0.35) * fs));
                other[from..to].CopyTo(samples.AsSpan(from));
            }

            var lead = narrow.Recording.Leads[l];
            leads.Add(new EcgLead(lead.Id, lead.Label, samples, lead.Gain, lead.Baseline));
        }

        beats = [.. narrow.Beats];
        return new EcgRecording(fs, leads, "spliced");
    }
}
