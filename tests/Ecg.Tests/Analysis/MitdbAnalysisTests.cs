using Telemed.Ecg.Analysis;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.Signals;
using Telemed.Ecg.Wfdb;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Ecg.Tests.Analysis;

/// <summary>
/// The whole pipeline on real 2-lead Holter data (MIT-BIH Arrhythmia Database, 360 Hz, 11-bit). Windows are chosen
/// from the reference annotations (.atr beat labels and "(AFIB"/"(N" rhythm labels), never from our own output, and
/// the expectations are physiological ranges or the reference's own RR intervals.
/// </summary>
public sealed class MitdbAnalysisTests(ITestOutputHelper output)
{
    private const double MitBihMainsHz = 60; // recorded in Boston, on the 60 Hz grid

    private const double WindowSeconds = 10;

    /// <summary>Record 100: sinus rhythm, narrow QRS, clear P waves (MLII + V5).</summary>
    [Fact]
    public void Record_100_whole_record_has_plausible_intervals_and_no_withheld_flags()
    {
        var (recording, atr) = Load("100");
        var analysis = EcgAnalyzer.Analyze(recording, mainsHz: MitBihMainsHz);
        Report("100 whole", analysis);
        AssertNormalIntervals(analysis);
        var beats = atr.Where(a => a.IsBeat).ToList();
        double referenceRate = 60.0 * (beats.Count - 1) / ((beats[^1].Sample - beats[0].Sample) / recording.SamplingRate);
        Assert.Equal(referenceRate, analysis.Measurements.HeartRateBpm!.Value, 2.0);
        Assert.DoesNotContain(analysis.Flags, f => f.Kind == EcgFlagKind.ExcessiveNoise);
    }

    [Fact]
    public void Record_100_ten_second_windows_of_normal_beats_have_plausible_intervals()
    {
        var (recording, atr) = Load("100");
        var windows = NormalBeatWindows(recording, atr, everySeconds: 300).ToList();
        Assert.True(windows.Count >= 4, $"only {windows.Count} all-normal windows found");
        foreach (int from in windows)
        {
            var window = recording.Slice(from, Samples(recording, WindowSeconds));
            var analysis = EcgAnalyzer.Analyze(window, mainsHz: MitBihMainsHz);
            Report($"100 at {from / recording.SamplingRate:0} s", analysis);
            AssertNormalIntervals(analysis);
            Assert.Equal(ReferenceRate(atr, from, window.Length, recording.SamplingRate), analysis.Measurements.HeartRateBpm!.Value, 2.0);
            Assert.Empty(analysis.Flags);
        }
    }

    /// <summary>Records 117 and 123 hover around 50 bpm: Bradycardia must follow the reference RR, window by window.</summary>
    [Theory]
    [InlineData("117", 0)]
    [InlineData("123", 3)]
    public void Bradycardia_is_flagged_exactly_when_the_reference_rate_is_under_50(string record, int minimumBradycardic)
    {
        var (recording, atr) = Load(record);
        int length = Samples(recording, WindowSeconds);
        int below = 0, above = 0;
        for (int from = Samples(recording, 60); from + length <= recording.Length; from += Samples(recording, 60))
        {
            double reference = ReferenceRate(atr, from, length, recording.SamplingRate);

            // Within 1 bpm of the limit a one-sample difference in beat times may tip either way.
            if (Math.Abs(reference - RhythmFlagger.BradycardiaBpm) < 1)
            {
                continue;
            }

            var analysis = EcgAnalyzer.Analyze(recording.Slice(from, length), mainsHz: MitBihMainsHz);
            bool flagged = analysis.Flags.Any(f => f.Kind == EcgFlagKind.Bradycardia);
            output.WriteLine($"{record} at {from / recording.SamplingRate:0} s: reference {reference:0.0} bpm, measured {analysis.Measurements.HeartRateBpm:0.0}, flagged {flagged}");
            Assert.Equal(reference < RhythmFlagger.BradycardiaBpm, flagged);
            if (flagged)
            {
                below++;
            }
            else
            {
                above++;
            }
        }

        // Record 123 must actually exercise the flag (117 stays at 51–52 bpm: it must not fire there).
        Assert.True(below >= minimumBradycardic, $"only {below} bradycardic windows");
        Assert.True(above >= 3, $"only {above} windows at or over 50 bpm");
    }

    /// <summary>10 s windows well inside reference "(AFIB" episodes flag IrregularlyIrregular.</summary>
    [Theory]
    [InlineData("201")]
    [InlineData("202")]
    [InlineData("203")]
    [InlineData("210")]
    [InlineData("219")]
    [InlineData("221")]
    public void Atrial_fibrillation_windows_flag_irregularly_irregular(string record)
    {
        var (recording, atr) = Load(record);
        var windows = RhythmWindows(recording, atr, "(AFIB", maximum: 5).ToList();
        Assert.NotEmpty(windows);
        int flagged = 0, judged = 0;
        foreach (int from in windows)
        {
            var analysis = EcgAnalyzer.Analyze(recording.Slice(from, Samples(recording, WindowSeconds)), mainsHz: MitBihMainsHz);
            Report($"{record} AFIB at {from / recording.SamplingRate:0} s", analysis);

            // A window too noisy for rhythm flags says so (ExcessiveNoise) and is not judged here.
            if (analysis.Flags.SelectMany(f => f.Evidence).Any(e => e.Finding.Contains("withheld", StringComparison.Ordinal)))
            {
                continue;
            }

            judged++;
            if (analysis.Flags.Any(f => f.Kind == EcgFlagKind.IrregularlyIrregular))
            {
                flagged++;
            }
        }

        // Ten seconds of AF with a slow, fairly even ventricular response can pass the RR criteria; most windows must not.
        Assert.True(judged >= 3, $"only {judged} AF windows clean enough to judge");
        Assert.True(flagged * 5 >= judged * 3, $"{flagged} of {judged} AF windows flagged");
    }

    /// <summary>Sinus-rhythm ("(N") windows of records with few ectopics do not flag atrial fibrillation.</summary>
    [Theory]
    [InlineData("100")]
    [InlineData("101")]
    [InlineData("103")]
    [InlineData("113")]
    [InlineData("117")]
    [InlineData("122")]
    public void Sinus_rhythm_windows_do_not_flag_irregularly_irregular(string record)
    {
        var (recording, atr) = Load(record);
        var windows = RhythmWindows(recording, atr, "(N", maximum: 10).ToList();
        Assert.True(windows.Count >= 5);
        foreach (int from in windows)
        {
            var analysis = EcgAnalyzer.Analyze(recording.Slice(from, Samples(recording, WindowSeconds)), mainsHz: MitBihMainsHz);
            Assert.DoesNotContain(analysis.Flags, f => f.Kind == EcgFlagKind.IrregularlyIrregular);
        }
    }

    /// <summary>Record 232 has reference RR intervals over 3 s; a 10 s window around each flags a stat Pause (or Asystole when long and flat).</summary>
    [Fact]
    public void Record_232_pauses_over_3_seconds_are_flagged()
    {
        var (recording, atr) = Load("232");
        double fs = recording.SamplingRate;
        var beats = atr.Where(a => a.IsBeat).Select(a => a.Sample).ToList();
        int length = Samples(recording, WindowSeconds);
        int tested = 0;
        for (int i = 1; i < beats.Count && tested < 8; i++)
        {
            double rr = (beats[i] - beats[i - 1]) / fs;
            int from = (int)beats[i - 1] - Samples(recording, 2);
            if (rr <= RhythmFlagger.PauseSeconds + 0.2 || rr > WindowSeconds - 4 || from < 0 || from + length > recording.Length)
            {
                continue;
            }

            var analysis = EcgAnalyzer.Analyze(recording.Slice(from, length), mainsHz: MitBihMainsHz);
            Report($"232 pause {rr:0.00} s at {beats[i - 1] / fs:0.0} s", analysis);
            var flag = Assert.Single(analysis.Flags, f => f.Kind is EcgFlagKind.Pause or EcgFlagKind.Asystole);
            Assert.Equal(EcgUrgency.Stat, flag.Urgency);
            if (flag.Kind == EcgFlagKind.Pause)
            {
                Assert.True(flag.Evidence.Any(e => e.Value > RhythmFlagger.PauseSeconds && e.StartSeconds < 2 + rr && e.EndSeconds > 2), string.Join("; ", flag.Evidence));
            }

            tested++;
        }

        Assert.True(tested >= 3, $"only {tested} pauses tested");
    }

    /// <summary>Slow drift over half an hour is not noise: no whole record of the database has its rate and rhythm flags withheld.</summary>
    [Fact]
    public void No_whole_record_has_its_rhythm_flags_withheld()
    {
        foreach (string record in TestData.MitdbRecords)
        {
            var (recording, _) = Load(record);
            var analysis = EcgAnalyzer.Analyze(recording, mainsHz: MitBihMainsHz);
            var withheld = analysis.Flags.SelectMany(f => f.Evidence).Where(e => e.Finding.Contains("withheld", StringComparison.Ordinal)).ToList();
            Assert.True(withheld.Count == 0, $"{record}: {string.Join("; ", analysis.Flags)}");
        }
    }

    private static void AssertNormalIntervals(EcgAnalysis analysis)
    {
        var m = analysis.Measurements;
        Assert.InRange(m.QrsMs!.Value, 60, 110);
        Assert.InRange(m.PrMs!.Value, 120, 220);
        Assert.InRange(m.QtMs!.Value, 320, 440);
    }

    private static (EcgRecording Recording, IReadOnlyList<Annotation> Annotations) Load(string record)
    {
        string path = Path.Combine(TestData.MitdbDirectory, record);
        return (WfdbRecordReader.Read(path, verifyChecksums: false), WfdbAnnotationReader.Read(path + ".atr"));
    }

    private static int Samples(EcgRecording recording, double seconds) => (int)Math.Round(seconds * recording.SamplingRate);

    /// <summary>60 / mean reference RR over the reference beats inside the window.</summary>
    private static double ReferenceRate(IReadOnlyList<Annotation> atr, int from, int length, double fs)
    {
        var inside = atr.Where(a => a.IsBeat && a.Sample >= from && a.Sample < from + length).Select(a => a.Sample).ToList();
        return 60.0 * (inside.Count - 1) / ((inside[^1] - inside[0]) / fs);
    }

    /// <summary>Starts of 10 s windows, one per <paramref name="everySeconds"/>, whose reference beats are all normal ("N").</summary>
    private static IEnumerable<int> NormalBeatWindows(EcgRecording recording, IReadOnlyList<Annotation> atr, double everySeconds)
    {
        int length = Samples(recording, WindowSeconds);
        for (int from = Samples(recording, 30); from + length <= recording.Length; from += Samples(recording, everySeconds))
        {
            var inside = atr.Where(a => a.IsBeat && a.Sample >= from && a.Sample < from + length).ToList();
            if (inside.Count > 0 && inside.All(a => a.Mnemonic == "N"))
            {
                yield return from;
            }
        }
    }

    /// <summary>
    /// Starts of 10 s windows lying wholly inside reference rhythm episodes labelled <paramref name="rhythm"/>, at least
    /// 2 s after the episode starts, spread evenly over the episodes (at most <paramref name="maximum"/>).
    /// </summary>
    private static IEnumerable<int> RhythmWindows(EcgRecording recording, IReadOnlyList<Annotation> atr, string rhythm, int maximum)
    {
        var changes = atr.Where(a => a.Code == AnnotationCode.Rhythm).ToList();
        var episodes = new List<(long From, long To)>();
        for (int i = 0; i < changes.Count; i++)
        {
            if (changes[i].Aux?.TrimEnd('\0') == rhythm)
            {
                episodes.Add((changes[i].Sample, i + 1 < changes.Count ? changes[i + 1].Sample : recording.Length));
            }
        }

        int length = Samples(recording, WindowSeconds);
        int margin = Samples(recording, 2);
        var starts = new List<int>();
        foreach (var (from, to) in episodes)
        {
            for (long s = from + margin; s + length + margin <= to; s += length)
            {
                starts.Add((int)s);
            }
        }

        int step = Math.Max(1, starts.Count / maximum);
        return starts.Where((_, i) => i % step == 0).Take(maximum);
    }

    private void Report(string label, EcgAnalysis a)
    {
        var m = a.Measurements;
        output.WriteLine($"{label}: HR {m.HeartRateBpm:0.0} PR {m.PrMs:0} QRS {m.QrsMs:0} QT {m.QtMs:0} flags {string.Join(", ", a.Flags.Select(f => f.Kind))}");
    }
}
