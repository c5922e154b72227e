using Telemed.Ecg.Detection;
using Telemed.Ecg.Measurements;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.Signals;
using Telemed.Ecg.Tests.Synthetic;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Ecg.Tests.Rhythm;

public sealed class RhythmFlaggerTests(ITestOutputHelper output)
{
    private static readonly EcgFlagKind[] RateKinds =
    [
        EcgFlagKind.Bradycardia, EcgFlagKind.Tachycardia, EcgFlagKind.MarkedTachycardia, EcgFlagKind.Pause,
        EcgFlagKind.IrregularlyIrregular, EcgFlagKind.WideComplexTachycardia,
    ];

    [Theory]
    [InlineData(250)]
    [InlineData(500)]
    [InlineData(1000)]
    public void Normal_sinus_at_70_bpm_raises_no_flag(double fs)
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { SamplingRate = fs, HeartRateBpm = 70, WhiteNoiseMv = 0.01, BaselineWanderMv = 0.1 });
        var flags = Evaluate(ecg);
        Assert.Empty(flags);
    }

    [Fact]
    public void A_3_5_second_gap_is_a_stat_pause_with_its_time()
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { RrSeconds = [0.85, 0.85, 0.85, 3.5, 0.85, 0.85, 0.85, 0.85, 0.85], WhiteNoiseMv = 0.01 });
        var flag = Assert.Single(Evaluate(ecg), f => f.Kind == EcgFlagKind.Pause);
        Assert.Equal(EcgUrgency.Stat, flag.Urgency);
        var gap = Assert.Single(flag.Evidence);
        Assert.Equal(3.5, gap.Value!.Value, 0.01);
        Assert.Equal(ecg.RPeakTimes[3], gap.StartSeconds!.Value, 0.01);
        Assert.Equal(ecg.RPeakTimes[4], gap.EndSeconds!.Value, 0.01);
    }

    [Fact]
    public void A_flat_line_in_every_lead_is_asystole_not_lead_off()
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { Asystole = true, WhiteNoiseMv = 0.005 });
        var flags = RhythmFlagger.Evaluate(ecg.Recording, [], null, null);
        output.WriteLine(string.Join("\n", flags));
        var flag = Assert.Single(flags);
        Assert.Equal(EcgFlagKind.Asystole, flag.Kind);
        Assert.Equal(EcgUrgency.Stat, flag.Urgency);
        Assert.Contains(flag.Evidence, e => e.StartSeconds == 0 && e.EndSeconds >= 9.9);
    }

    [Fact]
    public void Asystole_after_beats_stop()
    {
        // Three beats, then nothing for the rest of the record.
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { RrSeconds = [0.8, 0.8, 30], WhiteNoiseMv = 0.005 });
        var flags = Evaluate(ecg);
        Assert.Contains(flags, f => f.Kind == EcgFlagKind.Asystole);
    }

    [Theory]
    [InlineData(250)]
    [InlineData(500)]
    [InlineData(1000)]
    public void Wide_complex_at_170_bpm_is_stat_vt_suspect(double fs)
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions
        {
            SamplingRate = fs, HeartRateBpm = 170, QrsSeconds = 0.15, QtSeconds = 0.32, PAmplitudeMv = 0, RAmplitudeMv = 1.5, SAmplitudeMv = 0.6, AxisDegrees = -60, WhiteNoiseMv = 0.01,
        });
        var flags = Evaluate(ecg);
        var vt = Assert.Single(flags, f => f.Kind == EcgFlagKind.WideComplexTachycardia);
        Assert.Equal(EcgUrgency.Stat, vt.Urgency);
        Assert.Equal(EcgUrgency.Stat, flags[0].Urgency);
        Assert.Contains(flags, f => f.Kind == EcgFlagKind.MarkedTachycardia && f.Urgency == EcgUrgency.Urgent);
    }

    [Fact]
    public void Narrow_complex_at_170_bpm_is_marked_tachycardia_without_vt()
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { HeartRateBpm = 170, QrsSeconds = 0.08, QtSeconds = 0.26, PrSeconds = 0.12, WhiteNoiseMv = 0.01 });
        var flags = Evaluate(ecg);
        Assert.Contains(flags, f => f.Kind == EcgFlagKind.MarkedTachycardia);
        Assert.DoesNotContain(flags, f => f.Kind is EcgFlagKind.WideComplexTachycardia or EcgFlagKind.Tachycardia);
    }

    [Fact]
    public void P_wave_buried_in_the_previous_t_wave_gives_no_made_up_pr()
    {
        // At 170 bpm with QT 260 ms the P wave (PR 120 ms) starts before the previous T wave has ended.
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { HeartRateBpm = 170, QrsSeconds = 0.08, QtSeconds = 0.26, PrSeconds = 0.12, WhiteNoiseMv = 0.01 });
        var m = RestingEcgMeasurer.Measure(ecg.Recording, ecg.Beats);
        Assert.True(m.PrMs is null || Math.Abs(m.PrMs.Value - ecg.TruePrMs) <= 20, $"PR {m.PrMs} ms against a true {ecg.TruePrMs} ms");
    }

    [Theory]
    [InlineData(44, EcgFlagKind.Bradycardia)]
    [InlineData(120, EcgFlagKind.Tachycardia)]
    public void Rate_thresholds(double bpm, EcgFlagKind expected)
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { HeartRateBpm = bpm, QtSeconds = bpm > 100 ? 0.32 : 0.44, PrSeconds = 0.14, WhiteNoiseMv = 0.01 });
        var flag = Assert.Single(Evaluate(ecg));
        Assert.Equal(expected, flag.Kind);
        Assert.Equal(EcgUrgency.Routine, flag.Urgency);
        Assert.Equal(bpm, flag.Evidence[0].Value!.Value, 1.0);
    }

    [Theory]
    [InlineData(250)]
    [InlineData(500)]
    [InlineData(1000)]
    public void Inferior_stemi_names_II_III_aVF(double fs)
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions
        {
            SamplingRate = fs,
            WhiteNoiseMv = 0.01,
            BaselineWanderMv = 0.1,
            StOffsetsMv = new Dictionary<LeadId, double> { [LeadId.II] = 0.2, [LeadId.III] = 0.2, [LeadId.aVF] = 0.2, [LeadId.aVR] = -0.1, [LeadId.aVL] = -0.1 },
        });
        var flags = Evaluate(ecg, new PatientContext(Sex.Male, 62));
        var ste = Assert.Single(flags);
        Assert.Equal(EcgFlagKind.StElevation, ste.Kind);
        Assert.Equal(EcgUrgency.Stat, ste.Urgency);
        var leads = ste.Evidence.Where(e => e.Value is not null && e.Unit == "mV").SelectMany(e => e.Leads).ToHashSet();
        Assert.Equal(new HashSet<LeadId> { LeadId.II, LeadId.III, LeadId.aVF }, leads);
        Assert.Contains(ste.Evidence, e => e.Finding.Contains("reciprocal", StringComparison.Ordinal) && e.Leads.Contains(LeadId.aVL));
    }

    [Theory]
    [InlineData(Sex.Male, 50, false)]
    [InlineData(Sex.Male, 35, false)]
    [InlineData(Sex.Female, 50, true)]
    [InlineData(Sex.Female, 30, true)]
    public void V2_V3_elevation_of_1_8_mm_depends_on_sex(Sex sex, int age, bool flagged)
    {
        var flags = Evaluate(AnteriorElevation(0.18), new PatientContext(sex, age));
        output.WriteLine(string.Join("\n", flags.SelectMany(f => f.Evidence)));
        Assert.Equal(flagged, flags.Any(f => f.Kind == EcgFlagKind.StElevation));
        if (flagged)
        {
            var ste = Assert.Single(flags);
            Assert.Equal([LeadId.V2, LeadId.V3], ste.Evidence.Where(e => e.Unit == "mV").SelectMany(e => e.Leads).Order());
        }
    }

    [Fact]
    public void V2_V3_elevation_of_2_2_mm_flags_a_50_year_old_man()
    {
        var flags = Evaluate(AnteriorElevation(0.22), new PatientContext(Sex.Male, 50));
        Assert.Contains(flags, f => f.Kind == EcgFlagKind.StElevation);
    }

    // Fourth Universal Definition of MI: men < 40 y need ≥ 2.5 mm in V2–V3, men ≥ 40 y ≥ 2 mm.
    [Theory]
    [InlineData(35, 0.22, false)]
    [InlineData(35, 0.28, true)]
    [InlineData(39, 0.22, false)]
    [InlineData(40, 0.22, true)]
    public void V2_V3_threshold_for_men_changes_at_forty(int age, double elevationMv, bool flagged)
    {
        var flags = Evaluate(AnteriorElevation(elevationMv), new PatientContext(Sex.Male, age));
        Assert.Equal(flagged, flags.Any(f => f.Kind == EcgFlagKind.StElevation));
    }

    [Fact]
    public void Unknown_patient_gets_the_most_sensitive_threshold_and_is_told_so()
    {
        var flags = Evaluate(AnteriorElevation(0.18), null);
        var ste = Assert.Single(flags, f => f.Kind == EcgFlagKind.StElevation);
        Assert.Contains(ste.Evidence, e => e.Finding.Contains("most sensitive", StringComparison.Ordinal));
    }

    [Fact]
    public void Elevation_in_a_single_lead_is_not_stemi()
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { WhiteNoiseMv = 0.01, StOffsetsMv = new Dictionary<LeadId, double> { [LeadId.V4] = 0.3 } });
        Assert.DoesNotContain(Evaluate(ecg, new PatientContext(Sex.Female, 60)), f => f.Kind == EcgFlagKind.StElevation);
    }

    [Theory]
    [InlineData(250, 3)]
    [InlineData(500, 4)]
    [InlineData(1000, 5)]
    public void Random_rr_without_p_waves_is_irregularly_irregular(double fs, int seed)
    {
        var random = new Random(seed);
        var rr = Enumerable.Range(0, 30).Select(_ => 0.4 + (0.8 * random.NextDouble())).ToArray();
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { SamplingRate = fs, RrSeconds = rr, PAmplitudeMv = 0, FibrillationMv = 0.04, WhiteNoiseMv = 0.01, Seed = seed });
        var flags = Evaluate(ecg);
        output.WriteLine(string.Join("\n", flags.SelectMany(f => f.Evidence)));
        var af = Assert.Single(flags, f => f.Kind == EcgFlagKind.IrregularlyIrregular);
        Assert.Equal(EcgUrgency.Urgent, af.Urgency);
    }

    [Fact]
    public void Sinus_rhythm_with_mild_respiratory_variation_is_not_irregular()
    {
        // ±40 ms sinus arrhythmia over a 4 s breathing cycle.
        var rr = Enumerable.Range(0, 30).Select(i => 0.85 + (0.04 * Math.Sin(2 * Math.PI * i * 0.85 / 4))).ToArray();
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { RrSeconds = rr, WhiteNoiseMv = 0.01 });
        Assert.Empty(Evaluate(ecg));
    }

    [Fact]
    public void Irregular_rr_with_consistent_p_waves_is_not_called_af()
    {
        var random = new Random(11);
        var rr = Enumerable.Range(0, 30).Select(_ => 0.6 + (0.4 * random.NextDouble())).ToArray();
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { RrSeconds = rr, WhiteNoiseMv = 0.01, PAmplitudeMv = 0.2 });
        Assert.DoesNotContain(Evaluate(ecg), f => f.Kind == EcgFlagKind.IrregularlyIrregular);
    }

    [Theory]
    [InlineData(LeadId.V4, false)]
    [InlineData(LeadId.II, false)]
    [InlineData(LeadId.V1, true)]
    public void One_railed_or_flat_lead_is_lead_off_naming_it(LeadId lead, bool flat)
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions
        {
            WhiteNoiseMv = 0.01,
            RailedLeads = flat ? [] : [lead],
            FlatLeads = flat ? [lead] : [],
        });
        var flags = Evaluate(ecg);
        output.WriteLine(string.Join("\n", flags.SelectMany(f => f.Evidence)));
        var off = Assert.Single(flags);
        Assert.Equal(EcgFlagKind.LeadOff, off.Kind);
        Assert.Equal([lead], off.Evidence.SelectMany(e => e.Leads));
    }

    [Theory]
    [InlineData(250)]
    [InlineData(500)]
    [InlineData(1000)]
    public void Heavy_noise_is_flagged_and_gives_no_phantom_tachycardia(double fs)
    {
        var ecg = SyntheticEcg.Create(new SyntheticEcgOptions { SamplingRate = fs, HeartRateBpm = 70, WhiteNoiseMv = 0.4, BaselineWanderMv = 0.8, BaselineWanderHz = 0.4, Seed = 3 });

        // A detector fooled by the noise: the true beats plus spurious low-confidence ones (≈ 190 bpm in all).
        var beats = ecg.Beats.Concat(Enumerable.Range(1, 23).Select(i => new Beat((long)(i * 0.41 * fs), 0.2f))).OrderBy(b => b.Sample).ToList();
        var flags = RhythmFlagger.Evaluate(ecg.Recording, beats, null, null);
        output.WriteLine(string.Join("\n", flags.SelectMany(f => f.Evidence)));
        var noise = Assert.Single(flags, f => f.Kind == EcgFlagKind.ExcessiveNoise);
        Assert.Equal(12, noise.Evidence.SelectMany(e => e.Leads).Distinct().Count());
        Assert.Contains(noise.Evidence, e => e.Finding.Contains("withheld", StringComparison.Ordinal));
        Assert.DoesNotContain(flags, f => RateKinds.Contains(f.Kind));
    }

    [Fact]
    public void Noise_in_one_lead_names_it_and_keeps_rate_flags()
    {
        var clean = SyntheticEcg.Create(new SyntheticEcgOptions { HeartRateBpm = 120, QtSeconds = 0.32, WhiteNoiseMv = 0.01 });
        var noisy = SyntheticEcg.Create(new SyntheticEcgOptions { HeartRateBpm = 120, QtSeconds = 0.32, WhiteNoiseMv = 0.3, Seed = 9 });

        // Splice one noisy lead (V3) into the clean recording.
        var leads = clean.Recording.Leads.Select(l => l.Id == LeadId.V3 ? noisy.Recording.GetLead(LeadId.V3) : l).ToList();
        var recording = new EcgRecording(clean.Recording.SamplingRate, leads);
        var flags = RhythmFlagger.Evaluate(recording, clean.Beats, null, null);
        var noise = Assert.Single(flags, f => f.Kind == EcgFlagKind.ExcessiveNoise);
        Assert.Equal([LeadId.V3], noise.Evidence.SelectMany(e => e.Leads).Distinct());
        Assert.Contains(flags, f => f.Kind == EcgFlagKind.Tachycardia);
    }

    [Fact]
    public void Urgency_follows_the_clinical_priority()
    {
        Assert.Equal(EcgUrgency.Stat, RhythmFlagger.UrgencyOf(EcgFlagKind.StElevation));
        Assert.Equal(EcgUrgency.Stat, RhythmFlagger.UrgencyOf(EcgFlagKind.WideComplexTachycardia));
        Assert.Equal(EcgUrgency.Stat, RhythmFlagger.UrgencyOf(EcgFlagKind.Pause));
        Assert.Equal(EcgUrgency.Stat, RhythmFlagger.UrgencyOf(EcgFlagKind.Asystole));
        Assert.Equal(EcgUrgency.Urgent, RhythmFlagger.UrgencyOf(EcgFlagKind.MarkedTachycardia));
        Assert.Equal(EcgUrgency.Urgent, RhythmFlagger.UrgencyOf(EcgFlagKind.IrregularlyIrregular));
        Assert.Equal(EcgUrgency.Routine, RhythmFlagger.UrgencyOf(EcgFlagKind.LeadOff));
        Assert.Equal(EcgUrgency.Routine, RhythmFlagger.UrgencyOf(EcgFlagKind.ExcessiveNoise));
    }

    private static SyntheticEcg AnteriorElevation(double mv) => SyntheticEcg.Create(new SyntheticEcgOptions
    {
        WhiteNoiseMv = 0.01,
        StOffsetsMv = new Dictionary<LeadId, double> { [LeadId.V2] = mv, [LeadId.V3] = mv },
    });

    private IReadOnlyList<EcgFlag> Evaluate(SyntheticEcg ecg, PatientContext? patient = null)
    {
        var beats = Measurements.RestingEcgMeasurerTests.Jitter(ecg.Beats, ecg.Recording.SamplingRate, 0.004);
        var m = RestingEcgMeasurer.Measure(ecg.Recording, beats);
        output.WriteLine($"HR {m.HeartRateBpm:F1} PR {m.PrMs:F1} QRS {m.QrsMs:F1} QT {m.QtMs:F1} STJ {string.Join(" ", m.StJMillivolts.Select(kv => $"{kv.Key}={kv.Value:F3}"))}");
        var flags = RhythmFlagger.Evaluate(ecg.Recording, beats, m, patient);
        output.WriteLine(string.Join("\n", flags));
        return flags;
    }
}
