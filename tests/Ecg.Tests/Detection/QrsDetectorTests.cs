using Telemed.Ecg.Detection;
using Telemed.Ecg.Evaluation;
using Telemed.Ecg.Signals;
using Telemed.Ecg.Wfdb;
using Xunit;

namespace Telemed.Ecg.Tests.Detection;

public class QrsDetectorTests
{
    private static string Record(string name) => Path.Combine(TestData.MitdbDirectory, name);

    private static BeatMatchResult Score(string name, EcgRecording recording, double learningSeconds = 300)
    {
        var reference = WfdbAnnotationReader.Read(Record(name) + ".atr");
        double factor = recording.SamplingRate / 360.0;
        var scaled = reference
            .Select(a => a with { Sample = (long)Math.Round(a.Sample * factor) })
            .Where(a => a.Sample < recording.Length) // the recording may be a leading slice of the record
            .ToList();
        var beats = QrsDetector.Detect(recording);
        return BeatMatcher.Compare(name, scaled, beats.Select(b => b.Sample).ToList(), recording.SamplingRate, learningPeriodSeconds: learningSeconds);
    }

    [Theory]
    [InlineData("100", 99.9, 99.9)] // clean sinus rhythm with APCs
    [InlineData("105", 99.0, 95.5)] // heavy noise and baseline artefact
    [InlineData("119", 99.9, 99.8)] // ventricular bigeminy and trigeminy
    [InlineData("203", 98.8, 97.5)] // multiform PVCs, VT, atrial flutter/fibrillation, noise
    [InlineData("208", 99.0, 98.7)] // frequent PVCs and fusion beats, couplets
    [InlineData("222", 99.5, 99.7)] // AF/AFL with junctional rhythm, low amplitude
    public void Detects_reference_beats_on_MIT_BIH_records(string name, double minSensitivity, double minPredictivity)
    {
        var result = Score(name, WfdbRecordReader.Read(Record(name)));

        Assert.True(result.TruePositives > 1400, $"{name}: only {result.TruePositives} beats matched");
        Assert.True(result.Sensitivity * 100 >= minSensitivity, $"{name}: Se {result.Sensitivity:P2} below {minSensitivity}% ({result.FalseNegatives} missed)");
        Assert.True(result.PositivePredictivity * 100 >= minPredictivity, $"{name}: +P {result.PositivePredictivity:P2} below {minPredictivity}% ({result.FalsePositives} false)");
        Assert.InRange(Math.Abs(result.MeanOffset), 0, 0.04); // fiducial within 40 ms of the annotated R peak on average
    }

    [Theory]
    [InlineData(128)]
    [InlineData(250)]
    [InlineData(500)]
    [InlineData(1000)]
    public void Works_at_other_sampling_rates(double rate)
    {
        foreach (string name in new[] { "100", "119", "208" })
        {
            var recording = WfdbRecordReader.Read(Record(name)).Slice(0, 360 * 600); // first 10 minutes
            var result = Score(name, Resampling.To(recording, rate), learningSeconds: 10);

            Assert.True(result.TruePositives > 500, $"{name} at {rate} Hz: only {result.TruePositives} matched");
            Assert.True(result.Sensitivity >= 0.99, $"{name} at {rate} Hz: Se {result.Sensitivity:P2} ({result.FalseNegatives} missed)");
            Assert.True(result.PositivePredictivity >= 0.99, $"{name} at {rate} Hz: +P {result.PositivePredictivity:P2} ({result.FalsePositives} false)");
        }
    }

    [Fact]
    public void Streaming_in_arbitrary_blocks_gives_the_same_beats_as_whole_recording()
    {
        var recording = WfdbRecordReader.Read(Record("203")).Slice(0, 360 * 120);
        var whole = QrsDetector.Detect(recording);

        var detector = new QrsDetector(recording.SamplingRate, 2);
        var streamed = new List<Beat>();
        var lead0 = recording.Leads[0].ToMillivolts();
        var lead1 = recording.Leads[1].ToMillivolts();
        var random = new Random(7);
        var block = new float[2 * 1000];
        for (int t = 0; t < recording.Length;)
        {
            int n = Math.Min(random.Next(1, 1000), recording.Length - t);
            for (int i = 0; i < n; i++)
            {
                block[2 * i] = lead0[t + i];
                block[(2 * i) + 1] = lead1[t + i];
            }

            detector.Process(block.AsSpan(0, 2 * n));
            streamed.AddRange(detector.Beats);
            detector.ClearBeats();
            t += n;
        }

        detector.Flush();
        streamed.AddRange(detector.Beats);

        Assert.True(whole.Count > 200);
        Assert.Equal(whole.Select(b => b.Sample), streamed.Select(b => b.Sample));
    }

    [Fact]
    public void A_noisy_second_lead_does_not_add_false_beats()
    {
        // Record 100's clean MLII with its second lead replaced by bursts of large (2 mV) electrode noise.
        var clean = WfdbRecordReader.Read(Record("100")).Slice(0, 360 * 300);
        var random = new Random(3);
        var noise = new int[clean.Length];
        for (int t = 0; t < noise.Length; t++)
        {
            bool burst = (t / (360 * 5)) % 3 == 1; // 5 s of noise in every 15 s
            noise[t] = burst ? (int)(400 * Math.Sin(t * 0.9) * random.NextDouble()) + random.Next(-200, 200) : random.Next(-4, 5);
        }

        var lead0 = clean.Leads[0];
        var noisy = new EcgRecording(360, [lead0, new EcgLead(LeadId.V1, "V1", noise, 200, 0)], "100-noisy");

        var single = Score("100", new EcgRecording(360, [lead0], "100"), learningSeconds: 0);
        var both = Score("100", noisy, learningSeconds: 0);

        Assert.True(single.Sensitivity > 0.995 && single.PositivePredictivity > 0.995);
        Assert.True(both.Sensitivity > 0.99, $"Se {both.Sensitivity:P2}");
        Assert.True(both.FalsePositives <= 5, $"{both.FalsePositives} false beats from the noisy lead");
    }

    [Fact]
    public void Flat_line_gives_no_beats_and_confidence_is_a_fraction()
    {
        var flat = new EcgRecording(500, [new EcgLead(LeadId.II, "II", new int[5000 * 4], 1000, 0)]);
        Assert.Empty(QrsDetector.Detect(flat));

        var beats = QrsDetector.Detect(WfdbRecordReader.Read(Record("100")).Slice(0, 360 * 60));
        Assert.All(beats, b => Assert.InRange(b.Confidence, 0f, 1f));
        Assert.True(beats.Average(b => b.Confidence) > 0.6);
    }

    [Theory]
    [InlineData(250)]
    [InlineData(500)]
    public void A_flat_line_with_electrode_noise_and_mains_hum_gives_no_beats(double rate)
    {
        // Asystole as a monitor sees it: 30 µV of noise and 50 µV of 50 Hz hum, 12 leads, two minutes.
        var random = new Random(11);
        int n = (int)(rate * 120);
        var leads = LeadNames.Standard12.Select(id =>
        {
            var samples = new int[n];
            for (int t = 0; t < n; t++)
            {
                double noise = (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 0.06;
                samples[t] = (int)Math.Round(1000 * (noise + (0.05 * Math.Sin(2 * Math.PI * 50 * t / rate))));
            }

            return new EcgLead(id, id.ToString(), samples, 1000, 0);
        }).ToList();

        Assert.Empty(QrsDetector.Detect(new EcgRecording(rate, leads)));
    }

    [Fact]
    public void A_long_stream_without_beats_stays_bounded_and_allocation_free()
    {
        var detector = new QrsDetector(250, 1);
        var random = new Random(5);
        var block = new float[250];
        void Fill()
        {
            for (int i = 0; i < block.Length; i++)
            {
                block[i] = (float)((random.NextDouble() - 0.5) * 0.02);
            }
        }

        for (int s = 0; s < 60; s++)
        {
            Fill();
            detector.Process(block);
        }

        // An hour of flat line in three 20-minute passes; growth would show in every pass, the runtime's
        // one-off work (tiered JIT, a GC started by a parallel test) in one at most.
        var passes = new List<long>();
        for (int pass = 0; pass < 3; pass++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int s = 0; s < 1200; s++)
            {
                Fill();
                detector.Process(block);
            }

            passes.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(passes.Min() == 0, $"bytes allocated per pass: {string.Join(", ", passes)}");
        Assert.Equal(0, detector.Beats.Length);
    }

    [Fact]
    public void Steady_state_processing_does_not_allocate()
    {
        var recording = WfdbRecordReader.Read(Record("100")).Slice(0, 360 * 120);
        var frames = new float[recording.Length * 2];
        var l0 = recording.Leads[0].ToMillivolts();
        var l1 = recording.Leads[1].ToMillivolts();
        for (int t = 0; t < recording.Length; t++)
        {
            frames[2 * t] = l0[t];
            frames[(2 * t) + 1] = l1[t];
        }

        // A real per-block allocation shows in every pass; the runtime's own one-off work (tiered JIT, a GC
        // started by a parallel test) does not, so the steady state is the best of three passes.
        var passes = new List<long>();
        for (int pass = 0; pass < 3; pass++)
        {
            var detector = new QrsDetector(360, 2);
            detector.Process(frames.AsSpan(0, 2 * 360 * 30)); // warm up: learning, list capacities
            detector.ClearBeats();
            long before = GC.GetAllocatedBytesForCurrentThread();
            int beats = 0;
            for (int t = 360 * 30; t + 256 <= recording.Length; t += 256)
            {
                detector.Process(frames.AsSpan(2 * t, 2 * 256));
                beats += detector.Beats.Length;
                detector.ClearBeats();
            }

            passes.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.True(beats > 100);
        }

        Assert.True(passes.Min() == 0, $"bytes allocated while processing, per pass: {string.Join(", ", passes)}");
    }

    [Fact]
    public void A_burst_of_invalid_samples_does_not_silence_detection()
    {
        var recording = WfdbRecordReader.Read(Record("100")).Slice(0, 360 * 60);
        var l0 = recording.Leads[0].ToMillivolts();
        var l1 = recording.Leads[1].ToMillivolts();
        var frames = new float[recording.Length * 2];
        for (int t = 0; t < recording.Length; t++)
        {
            frames[2 * t] = l0[t];
            frames[(2 * t) + 1] = t is >= 360 * 20 and < (360 * 20) + 50 ? float.NaN : l1[t]; // a glitch in lead 2
        }

        frames[2 * 360 * 30] = float.PositiveInfinity;
        var detector = new QrsDetector(360, 2);
        detector.Process(frames);
        detector.Flush();
        var beats = detector.Beats.ToArray();

        var reference = WfdbAnnotationReader.Read(Record("100") + ".atr").Where(a => a.IsBeat && a.Sample < recording.Length).ToList();
        var score = BeatMatcher.Compare("100", reference, beats.Select(b => b.Sample).ToList(), 360, learningPeriodSeconds: 0);
        Assert.True(beats.Count(b => b.Sample > 360 * 31) > 30, "beats after the glitches");
        Assert.True(score.Sensitivity > 0.99 && score.PositivePredictivity > 0.99, $"Se {score.Sensitivity:P2} +P {score.PositivePredictivity:P2}");
    }

    [Fact]
    public void Microvolt_and_millivolt_leads_give_the_same_beats()
    {
        var mv = WfdbRecordReader.Read(Record("119")).Slice(0, 360 * 120);
        // The same signals stored as 1 ADC unit per µV (gain 200 ADU/mV → ×5 per unit, in µV).
        var uv = new EcgRecording(360, mv.Leads.Select(l =>
        {
            var src = l.Samples.Span;
            var dst = new int[src.Length];
            for (int t = 0; t < dst.Length; t++)
            {
                dst[t] = (src[t] - l.Baseline) * 5;
            }

            return new EcgLead(l.Id, l.Label, dst, 1, 0, "uV");
        }).ToList());

        Assert.Equal(QrsDetector.Detect(mv).Select(b => b.Sample), QrsDetector.Detect(uv).Select(b => b.Sample));
    }

    [Fact]
    public void Rejects_impossible_configuration()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new QrsDetector(10, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new QrsDetector(360, 0));
        Assert.Throws<ArgumentException>(() => new QrsDetector(360, 2).Process(new float[3]));
    }
}
