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
    public void A_whole_window_of_wide_beats_at_160_bpm_is_vt_suspect_on_the_dominant_run()
    {
        // Sustained monomorphic VT: every beat wide (150 ms), no P waves, no narrow beat to be "unlike". The wide beats are
        // the dominant morphology, so only the rule for a regular fast run of dominant beats can see it whole.
        var ecg = SyntheticEcg.Create(NoP with { HeartRateBpm = 160, QrsSeconds = 0.15, QtSeconds = 0.30, RAmplitudeMv = 1.5, SAmplitudeMv = 0.6, AxisDegrees = -60 });
        var width = RunQrsWidth.Of(ecg.Recording, ecg.Beats);
        output.WriteLine($"run QRS width {width} ms (true {ecg.TrueQrsMs} ms)");
        Assert.InRange(width ?? 0, RhythmFlagger.WideQrsMs, 200);

        var flags = RhythmFlagger.Evaluate(ecg.Recording, ecg.Beats, null, null);
        output.WriteLine(string.Join("\n", flags));
        var vt = Assert.Single(flags, f => f.Kind == EcgFlagKind.WideComplexTachycardia);
        Assert.Equal(EcgUrgency.Stat, vt.Urgency);
        Assert.Contains(vt.Evidence, e => e.Finding.Contains("beats of the dominant QRS", StringComparison.Ordinal) && e.Value >= RhythmFlagger.WideQrsMs);
        Assert.DoesNotContain(flags, f => f.Kind == EcgFlagKind.IrregularlyIrregular);
    }

    [Fact]
    public void A_run_of_4_wide_beats_at_140_bpm_is_vt_suspect_but_not_with_one_beat_undetected()
    {
        // Sinus at 0.85 s, then 4 wide beats 0.43 s apart (140 bpm), then sinus again.
        double[] rr = [0.85, 0.85, 0.85, 0.85, 0.85, 0.50, 0.43, 0.43, 0.43, 1.0, 0.85, 0.85, 0.85, 0.85];
        var recording = Spliced(rr, wide: [6, 7, 8, 9], out var beats, out var ecg);
        var flags = RhythmFlagger.Evaluate(recording, beats, null, null);
        output.WriteLine(string.Join("\n", flags));
        var vt = Assert.Single(flags, f => f.Kind == EcgFlagKind.WideComplexTachycardia);
        Assert.Contains(vt.Evidence, e => e.StartSeconds is double s && Math.Abs(s - ecg.RPeakTimes[6]) < 0.15 && e.Value >= RhythmFlagger.WideQrsMs);

        // The detector misses the third wide beat: 2 + 1 wide beats with an 0.86 s gap. A run tolerating one gap of about
        // twice the run's RR found 1 more VT window on MIT-BIH for 7 more false alarms (bigeminal PVCs read as runs), so it
        // was not taken (bench/RESULTS.md): this run goes unflagged.
        beats.RemoveAt(8);
        flags = RhythmFlagger.Evaluate(recording, beats, null, null);
        output.WriteLine(string.Join("\n", flags));
        Assert.DoesNotContain(flags, f => f.Kind == EcgFlagKind.WideComplexTachycardia);
    }

    [Fact]
    public void Af_with_rate_related_bundle_branch_block_is_af_not_vt()
    {
        // Every beat wide (150 ms, as bundle branch block at fast AF rates), RR random 0.33–0.65 s (about 120 bpm), no P
        // waves. Irregularly irregular wide-complex tachycardia is mostly AF with aberrancy (Brugada et al., Circulation
        // 1991, apply to regular tachycardias): it gets the Urgent AF flag, not the Stat VT flag. The dominant fast run
        // is irregular (normalized RMSSD above the AF limit), which keeps it out of the dominant-run VT rule.
        var random = new Random(17);
        var rr = Enumerable.Range(0, 30).Select(_ => 0.33 + (0.32 * random.NextDouble())).ToArray();
        var ecg = SyntheticEcg.Create(NoP with { RrSeconds = rr, FibrillationMv = 0.05, QrsSeconds = 0.15, QtSeconds = 0.32, RAmplitudeMv = 1.5, SAmplitudeMv = 0.6, AxisDegrees = -60 });
        var flags = RhythmFlagger.Evaluate(ecg.Recording, ecg.Beats, null, null);
        output.WriteLine(string.Join("\n", flags));
        Assert.Contains(flags, f => f.Kind == EcgFlagKind.IrregularlyIrregular);
        Assert.DoesNotContain(flags, f => f.Kind == EcgFlagKind.WideComplexTachycardia);
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

    [Fact]
    public void Multiform_premature_beats_in_sinus_with_non_compensatory_pauses_are_not_af()
    {
        // Sinus at 0.76–0.88 s; four premature beats of two ventricular shapes, each followed by a pause that resets
        // the rhythm (coupling + pause 1.25–1.32 s, well short of the 1.60 s a compensatory pause would take). No P waves and
        // a fibrillation-like baseline, so that the atrial-activity check cannot decide: the RR rules alone must.
        double[] rr = [0.84, 0.50, 0.80, 0.76, 0.86, 0.45, 0.80, 0.86, 0.52, 0.80, 0.88, 0.79, 0.50, 0.80, 0.86, 0.78];
        var recording = Multiform(rr, [(2, 0), (6, 1), (9, 0), (13, 1)], out var beats, fibrillationMv: 0.05);
        double fs = recording.SamplingRate;
        var morphology = BeatMorphology.Of(recording, beats);
        var aligned = morphology.Samples.Zip(morphology.Samples.Skip(1), (a, b) => (b - a) / fs).ToArray();
        var unlike = morphology.Correlation.Select(c => c < BeatMorphology.DominantCorrelation).ToArray();
        Assert.True(RrIrregularity.Of(aligned) is { IrregularlyIrregular: true }, "the ectopy must pass the plain RR test");
        Assert.False(UnderlyingRr.Of(aligned, unlike).ExplainsIrregularity(aligned.Length), "the pauses must not be compensatory");
        Assert.Equal([false, false, true, false, false, false, true, false, false, true, false, false, false, true, false, false, false], unlike);

        var conducted = RhythmFlagger.DominantIntervals(morphology, unlike, fs);
        Assert.True(conducted.Length >= RhythmFlagger.MinimumDominantIntervals);
        Assert.True(AtrialActivity.Of(recording, morphology) is not { Snr: >= AtrialActivity.ConsistentSnr }, "no consistent P waves to veto AF");
        var flags = RhythmFlagger.Evaluate(recording, beats, null, null);
        output.WriteLine(string.Join("\n", flags));
        Assert.DoesNotContain(flags, f => f.Kind == EcgFlagKind.IrregularlyIrregular);
    }

    [Fact]
    public void Singles_and_couplets_of_multiform_ectopy_leave_too_few_conducted_intervals_for_af()
    {
        // Ectopic singles and couplets of two shapes after nearly every conducted beat, random coupling: only one interval
        // runs between consecutive conducted beats, too few to judge the conducted rhythm, so AF is not called.
        var random = new Random(5);
        var rr = Enumerable.Range(0, 15).Select(_ => 0.45 + (0.6 * random.NextDouble())).ToArray();
        var recording = Multiform(rr, [(2, 0), (4, 1), (5, 0), (7, 1), (9, 0), (10, 1), (12, 0), (14, 1)], out var beats, fibrillationMv: 0.05);
        double fs = recording.SamplingRate;
        var morphology = BeatMorphology.Of(recording, beats);
        var aligned = morphology.Samples.Zip(morphology.Samples.Skip(1), (a, b) => (b - a) / fs).ToArray();
        var unlike = morphology.Correlation.Select(c => c < BeatMorphology.DominantCorrelation).ToArray();
        Assert.True(RrIrregularity.Of(aligned) is { IrregularlyIrregular: true }, "the ectopy must pass the plain RR test");
        Assert.False(UnderlyingRr.Of(aligned, unlike).ExplainsIrregularity(aligned.Length), "nor be explained as compensated ectopy or bigeminy");
        Assert.True(RhythmFlagger.DominantIntervals(morphology, unlike, fs).Length < RhythmFlagger.MinimumDominantIntervals);

        var flags = RhythmFlagger.Evaluate(recording, beats, null, null);
        output.WriteLine(string.Join("\n", flags));
        Assert.DoesNotContain(flags, f => f.Kind == EcgFlagKind.IrregularlyIrregular);
    }

    [Fact]
    public void Af_with_occasional_premature_ventricular_beats_is_still_af()
    {
        var random = new Random(11);
        var rr = Enumerable.Range(0, 18).Select(_ => 0.45 + (0.6 * random.NextDouble())).ToArray();
        rr[5] = 0.40;
        rr[12] = 0.42;
        var recording = Multiform(rr, [(6, 0), (13, 1)], out var beats, fibrillationMv: 0.05);
        double fs = recording.SamplingRate;
        var morphology = BeatMorphology.Of(recording, beats);
        var unlike = morphology.Correlation.Select(c => c < BeatMorphology.DominantCorrelation).ToArray();
        Assert.True(unlike[6] && unlike[13], "the ventricular beats must be told apart");
        Assert.True(RhythmFlagger.DominantIntervals(morphology, unlike, fs).Length >= RhythmFlagger.MinimumDominantIntervals);

        var flags = RhythmFlagger.Evaluate(recording, beats, null, null);
        output.WriteLine(string.Join("\n", flags));
        var af = Assert.Single(flags, f => f.Kind == EcgFlagKind.IrregularlyIrregular);
        Assert.Contains(af.Evidence, e => e.Finding.Contains("between consecutive beats of the dominant QRS", StringComparison.Ordinal) && e.Value > RrIrregularity.NormalizedRmssdLimit);
    }

    /// <summary>
    /// Sinus beats without P waves (AF is judged on the RR and the QRS shapes alone) with the beats listed in
    /// <paramref name="ectopic"/> taken from one of two wide ventricular renderings (form 0: left axis, form 1: right
    /// axis and larger), spliced from 0.25 s before the R peak to 0.35 s after.
    /// </summary>
    private static EcgRecording Multiform(double[] rr, (int Beat, int Form)[] ectopic, out List<Beat> beats, double fibrillationMv = 0)
    {
        // The intervals repeat once used up: end the recording 0.4 s after the last listed beat, before a repeat.
        double duration = NoP.FirstBeatSeconds + rr.Sum() + 0.4;
        var narrow = SyntheticEcg.Create(NoP with { RrSeconds = rr, DurationSeconds = duration, FibrillationMv = fibrillationMv });
        SyntheticEcg[] forms =
        [
            SyntheticEcg.Create(NoP with { RrSeconds = rr, DurationSeconds = duration, FibrillationMv = fibrillationMv, QrsSeconds = 0.15, QtSeconds = 0.36, RAmplitudeMv = 1.5, SAmplitudeMv = 0.6, AxisDegrees = -60 }),
            SyntheticEcg.Create(NoP with { RrSeconds = rr, DurationSeconds = duration, FibrillationMv = fibrillationMv, QrsSeconds = 0.16, QtSeconds = 0.38, RAmplitudeMv = 1.9, SAmplitudeMv = 0.3, AxisDegrees = 150 }),
        ];
        double fs = narrow.Recording.SamplingRate;
        var leads = new List<EcgLead>();
        for (int l = 0; l < narrow.Recording.Leads.Count; l++)
        {
            var samples = narrow.Recording.Leads[l].Samples.ToArray();
            foreach (var (b, form) in ectopic)
            {
                var other = forms[form].Recording.Leads[l].Samples.Span;
                int from = (int)Math.Round((narrow.RPeakTimes[b] - 0.25) * fs), to = Math.Min(samples.Length, (int)Math.Round((narrow.RPeakTimes[b] + 0.35) * fs));
                other[from..to].CopyTo(samples.AsSpan(from));
            }

            var lead = narrow.Recording.Leads[l];
            leads.Add(new EcgLead(lead.Id, lead.Label, samples, lead.Gain, lead.Baseline));
        }

        beats = [.. narrow.Beats];
        return new EcgRecording(fs, leads, "multiform");
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
