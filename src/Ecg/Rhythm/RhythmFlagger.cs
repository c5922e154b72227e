using Telemed.Ecg.Detection;
using Telemed.Ecg.Filters;
using Telemed.Ecg.Measurements;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Rhythm;

/// <summary>
/// Raises rhythm, ischaemia and technical flags on a resting ECG before the cardiologist opens it. Technical
/// quality is judged first: when noise or detached electrodes dominate, beats are unreliable, so rate and
/// rhythm flags are withheld (and the technical flag says so) rather than reporting a phantom tachycardia.
/// </summary>
public static class RhythmFlagger
{
    public const double BradycardiaBpm = 50;
    public const double TachycardiaBpm = 100;
    public const double MarkedTachycardiaBpm = 150;
    public const double PauseSeconds = 3.0;
    public const double WideQrsMs = 120;

    /// <summary>China's grid frequency, where our townships record; 60 Hz elsewhere (e.g. MIT-BIH, recorded in Boston).</summary>
    public const double DefaultMainsHz = 50;

    /// <summary>
    /// Consecutive fast beats unlike the dominant QRS that make a run worth measuring for VT: three ventricular beats in
    /// a row are the usual definition of a VT run (and of a VT window in <c>RhythmFlagEvaluator</c>). On MIT-BIH 10 s
    /// windows, 3 found 25 of 68 VT windows with 20 false alarms, 4 only 12 with 17 (bench/RESULTS.md).
    /// </summary>
    public const int MinimumVtRun = 3;

    /// <summary>
    /// AF is flagged when at least this many RR intervals run between consecutive beats of the dominant QRS and they are
    /// irregular on their own, or one fewer and atrial activity is clearly absent; with fewer, ectopy fills the 10 s and
    /// the conducted rhythm cannot be judged. The base AF test itself needs 7 intervals. On MIT-BIH 10 s windows (with
    /// the atrial-activity check, without the one-fewer allowance): 4 → 548 AF windows found, 121 false alarms;
    /// 5 → 548, 106; 6 → 544, 86; 7 → 530, 69; 8 → 497, 48. The allowance brought 6 back with 548, 102 (bench/RESULTS.md).
    /// </summary>
    public const int MinimumDominantIntervals = 6;

    /// <summary>
    /// Consecutive fast beats of the dominant QRS, regular among themselves, that make a run of the dominant beats worth
    /// measuring for VT: where VT fills most of the window, the ventricular beats are the dominant morphology and no run
    /// is "unlike" it (MIT-BIH 205 at 300 and 1460 s, 203 at 1600 s). On MIT-BIH 10 s windows (width ≥ 120 ms on
    /// <see cref="RunQrsWidth"/>, regular): 5, 6 or 7 beats each found 3 more VT windows for 1 more false alarm; 8 found 2.
    /// </summary>
    public const int MinimumDominantVtRun = 5;

    /// <summary>Every RR within a VT run is under this (over 100 bpm, the VT rate limit).</summary>
    public const double VtRunRrSeconds = 0.6;

    /// <summary>A beat-free, flat stretch this long in every lead is asystole.</summary>
    public const double AsystoleSeconds = 4.0;

    /// <summary>Peak to peak under this (0.5–40 Hz) counts as a flat line; P waves alone stay under it.</summary>
    public const double AsystoleFlatMv = 0.2;

    /// <summary>How the evidence note starts when rate and rhythm flags are withheld as technically unreliable.</summary>
    public const string WithheldFinding = "rate and rhythm flags withheld";

    public static EcgUrgency UrgencyOf(EcgFlagKind kind) => kind switch
    {
        EcgFlagKind.StElevation or EcgFlagKind.WideComplexTachycardia or EcgFlagKind.Pause or EcgFlagKind.Asystole => EcgUrgency.Stat,
        EcgFlagKind.MarkedTachycardia or EcgFlagKind.IrregularlyIrregular => EcgUrgency.Urgent,
        _ => EcgUrgency.Routine,
    };

    /// <summary>
    /// Evaluates the recording. <paramref name="measurements"/> are computed with <see cref="RestingEcgMeasurer"/>
    /// when null. Flags come most urgent first.
    /// </summary>
    public static IReadOnlyList<EcgFlag> Evaluate(EcgRecording recording, IReadOnlyList<Beat> beats, RestingEcgMeasurements? measurements, PatientContext? patient, double mainsHz = DefaultMainsHz)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(beats);

        double fs = recording.SamplingRate;
        var sorted = beats.Where(b => b.Sample >= 0 && b.Sample < recording.Length).OrderBy(b => b.Sample).ToList();
        var quality = LeadQuality.Assess(recording, sorted, mainsHz);
        var flags = new List<EcgFlag>();

        var asystole = Asystole(recording, sorted, quality);
        if (asystole is not null)
        {
            flags.Add(asystole);
        }

        // Lead off means one electrode failed while others record; all leads flat is the asystole question instead.
        bool anyLive = quality.Any(q => !q.Railed && !q.Flat);
        var off = quality.Where(q => q.Railed || (q.Flat && anyLive)).ToList();
        if (off.Count > 0)
        {
            var evidence = off.Select(q => new EcgEvidence(
                q.Railed ? "railed (pinned at the ADC limit)" : "flat line while other leads record",
                [q.Lead], q.PeakToPeakMv, "mV peak to peak", 0, recording.Length / fs)).ToList();
            flags.Add(Flag(EcgFlagKind.LeadOff, $"Electrode problem in {Names(off)}: check the electrode and re-record.", evidence));
        }

        var noisy = quality.Where(q => q.Noisy).ToList();

        // Beat times suffer from high-frequency noise and dead electrodes, not from slow drift, which the detector's
        // band-pass removes: a drifting lead is flagged (it spoils the ST reading) but still testifies to the rhythm.
        int unusable = off.Count + noisy.Count(q => q.HighFrequencyNoise);
        bool beatsUnreliable = unusable * 2 >= quality.Length || (sorted.Count > 0 && sorted.Average(b => b.Confidence) < 0.3);
        if (noisy.Count > 0)
        {
            var evidence = new List<EcgEvidence>();
            foreach (var q in noisy)
            {
                if (q.HighFrequencyNoise)
                {
                    evidence.Add(new EcgEvidence($"high-frequency noise (> 40 Hz) above {LeadQuality.HighFrequencyLimitMv} mV RMS in {q.NoisyWindows} of {q.Windows} one-second windows; worst",
                        [q.Lead], q.WorstHighFrequencyRmsMv, "mV RMS", q.NoisyFromSeconds, q.NoisyToSeconds));
                }

                if (q.BaselineDrift)
                {
                    evidence.Add(new EcgEvidence($"baseline drift (< 0.7 Hz) over {LeadQuality.BaselineDriftLimitMv} mV within {LeadQuality.DriftWindowSeconds:0} s in {q.DriftWindows} of {q.DriftWindowCount} windows; worst",
                        [q.Lead], q.BaselineDriftMv, "mV peak to peak", q.DriftFromSeconds, q.DriftToSeconds));
                }
            }

            flags.Add(Flag(EcgFlagKind.ExcessiveNoise, $"Noisy {Names(noisy)}: ask the patient to relax and lie still, check skin preparation, re-record.", evidence));
        }

        if (beatsUnreliable && sorted.Count > 0)
        {
            var note = EcgEvidence.Note($"{WithheldFinding}: {unusable} of {quality.Length} leads noisy or off, detected beats unreliable");
            int at = flags.FindIndex(f => f.Kind is EcgFlagKind.ExcessiveNoise or EcgFlagKind.LeadOff);
            if (at >= 0)
            {
                flags[at] = flags[at] with { Evidence = [.. flags[at].Evidence, note] };
            }
        }

        if (sorted.Count > 0 && (measurements is null || measurements.MedianBeats.Count == 0))
        {
            measurements ??= RestingEcgMeasurer.Measure(recording, sorted);
        }

        if (!beatsUnreliable)
        {
            RateAndRhythm(flags, recording, sorted, fs, measurements, asystole is not null);
        }

        var stElevation = StElevation(measurements, patient, quality);
        if (stElevation is not null)
        {
            flags.Add(stElevation);
        }

        return [.. flags.OrderBy(f => f.Urgency)];
    }

    private static void RateAndRhythm(List<EcgFlag> flags, EcgRecording recording, List<Beat> beats, double fs, RestingEcgMeasurements? m, bool asystole)
    {
        if (beats.Count < 2)
        {
            return;
        }

        var rr = new double[beats.Count - 1];
        for (int i = 0; i < rr.Length; i++)
        {
            rr[i] = (beats[i + 1].Sample - beats[i].Sample) / fs;
        }

        double first = beats[0].Sample / fs, last = beats[^1].Sample / fs;
        double rate = m?.HeartRateBpm ?? (60.0 / rr.Average());
        var rateEvidence = new EcgEvidence($"mean heart rate over {beats.Count} beats", [], rate, "bpm", first, last);
        if (rate < BradycardiaBpm)
        {
            flags.Add(Flag(EcgFlagKind.Bradycardia, $"Heart rate {rate:0} bpm (< {BradycardiaBpm}).", [rateEvidence]));
        }
        else if (rate > MarkedTachycardiaBpm)
        {
            flags.Add(Flag(EcgFlagKind.MarkedTachycardia, $"Heart rate {rate:0} bpm (> {MarkedTachycardiaBpm}).", [rateEvidence]));
        }
        else if (rate > TachycardiaBpm)
        {
            flags.Add(Flag(EcgFlagKind.Tachycardia, $"Heart rate {rate:0} bpm (> {TachycardiaBpm}).", [rateEvidence]));
        }

        // Beat times re-aligned on the dominant QRS: the detector's fiducial wanders between pacing spike and QRS peak
        // on paced complexes, which alone made regular paced rhythms (MIT-BIH 102, 107) look irregularly irregular.
        var morphology = BeatMorphology.Of(recording, beats);
        var aligned = new double[morphology.Count - 1];
        for (int i = 0; i < aligned.Length; i++)
        {
            aligned[i] = (morphology.Samples[i + 1] - morphology.Samples[i]) / fs;
        }

        var alignedIrregularity = RrIrregularity.Of(aligned);
        WideComplexTachycardia(flags, recording, beats, fs, m, morphology, rate, rateEvidence, alignedIrregularity is { IrregularlyIrregular: true });

        var pauses = new List<EcgEvidence>();
        for (int i = 0; i < rr.Length; i++)
        {
            if (rr[i] > PauseSeconds)
            {
                pauses.Add(new EcgEvidence($"RR interval over {PauseSeconds} s", [], rr[i], "s", beats[i].Sample / fs, beats[i + 1].Sample / fs));
            }
        }

        if (pauses.Count > 0 && !asystole)
        {
            flags.Add(Flag(EcgFlagKind.Pause, $"Pause of {pauses.Max(p => p.Value):0.0} s.", pauses));
        }

        // Irregularity that premature beats with compensatory pauses, bigeminy or isolated pauses explain is not AF: the
        // flag needs the whole series irregularly irregular and what is left without those intervals still irregular.
        var unlike = morphology.Correlation.Select(c => c < BeatMorphology.DominantCorrelation).ToArray();
        var underlying = UnderlyingRr.Of(aligned, unlike);
        var irregularity = underlying.ExplainsIrregularity(aligned.Length) ? null : alignedIrregularity;
        if (irregularity is not { IrregularlyIrregular: true } || pauses.Count > 0)
        {
            return;
        }

        // P waves repeating before the dominant beats: sinus rhythm (or ectopic atrial) with ectopy, not AF.
        var atrial = AtrialActivity.Of(recording, morphology);
        if (atrial is { Snr: >= AtrialActivity.ConsistentSnr })
        {
            return;
        }

        // AF is irregular among the conducted beats themselves; ectopy is irregular only around the ectopic beats. So the
        // intervals between consecutive beats of the dominant QRS must be enough and irregular on their own. One
        // interval short of enough is too few to judge their regularity: AF is then called only when atrial activity
        // is clearly absent (AF with frequent ventricular ectopy, MIT-BIH 221).
        var conducted = DominantIntervals(morphology, unlike, fs);
        var conductedIrregularity = RrIrregularity.Of(conducted);
        bool noAtrialActivity = atrial is { Snr: < AtrialActivity.InconsistentSnr } && m?.PrMs is null;
        if (conducted.Length >= MinimumDominantIntervals)
        {
            if (conductedIrregularity is not { NormalizedRmssd: > RrIrregularity.NormalizedRmssdLimit })
            {
                return;
            }
        }
        else if (conducted.Length < MinimumDominantIntervals - 1 || !noAtrialActivity)
        {
            return;
        }

        var evidence = new List<EcgEvidence>
        {
            new($"normalized RMSSD over {irregularity.Intervals} RR intervals re-aligned on the dominant QRS (> {RrIrregularity.NormalizedRmssdLimit})", [], irregularity.NormalizedRmssd, "", first, last),
            EcgEvidence.Measured($"share of successive RR differences over {RrIrregularity.LargeDifferenceFraction:P1} of mean RR", irregularity.LargeDifferenceShare, ""),
            EcgEvidence.Measured("turning-point ratio (random ≈ 0.67)", irregularity.TurningPointRatio, ""),
        };
        if (conductedIrregularity is not null)
        {
            evidence.Add(EcgEvidence.Measured($"normalized RMSSD over the {conducted.Length} RR intervals between consecutive beats of the dominant QRS ({(conducted.Length >= MinimumDominantIntervals ? $"> {RrIrregularity.NormalizedRmssdLimit}" : "too few to judge: atrial activity absent")})", conductedIrregularity.NormalizedRmssd, ""));
        }

        if (underlying.Removed > 0)
        {
            evidence.Add(EcgEvidence.Note($"still irregular without the {underlying.Removed} RR intervals of ectopic beats and pauses"));
        }

        if (atrial is not null)
        {
            evidence.Add(EcgEvidence.Measured($"pre-QRS waveform against its beat-to-beat variation over {atrial.BeatsUsed} dominant beats (P waves ≥ {AtrialActivity.ConsistentSnr})", atrial.Snr, ""));
        }

        if (m is null || m.MedianBeats.Count == 0)
        {
            evidence.Add(EcgEvidence.Note("P waves not assessed on a median beat"));
        }
        else if (m.PrMs is not null)
        {
            // A P wave on the median beat that does not repeat beat to beat is averaged fibrillatory waves or T wave.
            if (atrial is not { Snr: < AtrialActivity.InconsistentSnr })
            {
                // Consistent P waves before every QRS: sinus arrhythmia or ectopy, not AF.
                return;
            }

            evidence.Add(EcgEvidence.Note($"P-like wave on the median beat of {m.BeatsUsed} beats, but not repeated beat to beat (< {AtrialActivity.InconsistentSnr})"));
        }
        else
        {
            evidence.Add(EcgEvidence.Note($"no consistent P wave on the median beat of {m.BeatsUsed} beats"));
        }

        flags.Add(Flag(EcgFlagKind.IrregularlyIrregular, "Irregularly irregular rhythm without consistent P waves: atrial fibrillation suspected.", evidence));
    }

    /// <summary>
    /// RR intervals between consecutive beats that are both of the dominant QRS (not <paramref name="unlike"/>; beats too
    /// near the edges to compare count as dominant): the conducted rhythm with every ectopic beat's coupling and
    /// post-ectopic interval left out, whether its pause was compensatory or not.
    /// </summary>
    internal static double[] DominantIntervals(BeatMorphology morphology, IReadOnlyList<bool> unlike, double fs)
    {
        var intervals = new List<double>(morphology.Count);
        for (int b = 1; b < morphology.Count; b++)
        {
            if (!unlike[b] && !unlike[b - 1])
            {
                intervals.Add((morphology.Samples[b] - morphology.Samples[b - 1]) / fs);
            }
        }

        return [.. intervals];
    }

    /// <summary>
    /// Ventricular tachycardia suspected on any of three grounds. (1) A run of at least <see cref="MinimumVtRun"/> fast
    /// beats unlike the dominant QRS whose own median beat has a QRS of at least <see cref="WideQrsMs"/>: a salvo of
    /// ventricular beats among narrow ones does not widen the recording's median beat, and a single wide PVC is no run.
    /// (2) The dominant beats themselves wide at over 100 bpm (sustained VT fills the window), unless the rhythm is
    /// irregularly irregular: an irregular wide-complex tachycardia is mostly AF with bundle branch block or aberrancy
    /// (Brugada et al., Circulation 1991, apply to regular tachycardias); the AF flag reports it. On MIT-BIH this removed
    /// 30 of 50 false alarms (29 of them record 203, AF with wide beats). (3) A regular run of at least
    /// <see cref="MinimumDominantVtRun"/> fast beats of the dominant QRS, wide on <see cref="RunQrsWidth"/>: VT that fills
    /// most of the window is the dominant morphology, its median beat is mis-measured (no baseline between complexes at
    /// 150–200 bpm) and the window as a whole is irregular where VT starts or stops, so neither (1) nor (2) sees it. The
    /// run must be regular (normalized RMSSD within <see cref="RrIrregularity.NormalizedRmssdLimit"/>, the AF test's limit):
    /// a fast run of AF with bundle branch block is not, and stays with the AF flag.
    /// </summary>
    private static void WideComplexTachycardia(List<EcgFlag> flags, EcgRecording recording, List<Beat> beats, double fs, RestingEcgMeasurements? m,
        BeatMorphology morphology, double rate, EcgEvidence rateEvidence, bool irregular)
    {
        var evidence = new List<EcgEvidence>();

        // The run's width is the larger of the resting-ECG median-beat measure and RunQrsWidth: each under-reads some
        // runs (the first where no baseline lies between fast complexes; the second, which stops at the first 12 ms
        // under 15 % of the peak slope, can stop inside a slurred complex). On MIT-BIH the larger of the two found 6
        // more VT windows than the median-beat measure alone, for 9 more false alarms (bench/RESULTS.md).
        if (FastRun(morphology, fs, ectopicOnly: true) is var (start, count)
            && Math.Max(RestingEcgMeasurer.Measure(recording, beats.GetRange(start, count)).QrsMs ?? 0, RunQrsWidth.Of(recording, beats.GetRange(start, count)) ?? 0) is var runQrs
            && runQrs >= WideQrsMs)
        {
            double runRate = 60.0 * (count - 1) / ((beats[start + count - 1].Sample - beats[start].Sample) / fs);
            evidence.Add(new EcgEvidence($"run of {count} beats unlike the dominant QRS at {runRate:0} bpm; QRS on the run's own median beat, the larger of two measures (≥ {WideQrsMs} ms)", [], runQrs, "ms",
                beats[start].Sample / fs, beats[start + count - 1].Sample / fs));
        }

        if (FastRun(morphology, fs, morphology.IsDominant) is var (domStart, domCount) && domCount >= MinimumDominantVtRun
            && RunIntervals(morphology, domStart, domCount, fs) is var intervals && RrIrregularity.Of(intervals) is { NormalizedRmssd: <= RrIrregularity.NormalizedRmssdLimit }
            && RunQrsWidth.Of(recording, beats.GetRange(domStart, domCount)) is double domQrs && domQrs >= WideQrsMs)
        {
            evidence.Add(new EcgEvidence($"regular run of {domCount} beats of the dominant QRS at {60.0 / intervals.Average():0} bpm; QRS width on the run's median beat, all leads (≥ {WideQrsMs} ms)", [], domQrs, "ms",
                beats[domStart].Sample / fs, beats[domStart + domCount - 1].Sample / fs));
        }

        if (rate > TachycardiaBpm && m?.QrsMs is double qrs && qrs >= WideQrsMs && !irregular)
        {
            evidence.Add(EcgEvidence.Measured($"QRS duration on the median beat (≥ {WideQrsMs} ms) in a rhythm that is not irregularly irregular", qrs, "ms"));
        }

        if (evidence.Count > 0)
        {
            flags.Add(Flag(EcgFlagKind.WideComplexTachycardia, $"Wide complexes at over {TachycardiaBpm:0} bpm: ventricular tachycardia suspected.", [rateEvidence, .. evidence]));
        }
    }

    /// <summary>
    /// The longest run of at least <see cref="MinimumVtRun"/> consecutive beats each under <see cref="VtRunRrSeconds"/>
    /// from the one before (the first beat of the run may come late); with <paramref name="ectopicOnly"/>, every beat of
    /// the run must also be unlike the dominant QRS. Null when there is none.
    /// </summary>
    internal static (int Start, int Count)? FastRun(BeatMorphology morphology, double fs, bool ectopicOnly) =>
        FastRun(morphology, fs, ectopicOnly ? b => morphology.Correlation[b] < BeatMorphology.DominantCorrelation : _ => true);

    /// <summary>The longest run as above whose beats all satisfy <paramref name="isMember"/>.</summary>
    internal static (int Start, int Count)? FastRun(BeatMorphology morphology, double fs, Func<int, bool> isMember)
    {
        (int Start, int Count)? best = null;
        int start = -1;
        for (int i = 0; i <= morphology.Count; i++)
        {
            bool member = i < morphology.Count && isMember(i);
            bool joins = member && start >= 0 && (morphology.Samples[i] - morphology.Samples[i - 1]) / fs < VtRunRrSeconds;
            if (joins)
            {
                continue;
            }

            if (start >= 0)
            {
                int count = i - start;
                if (count >= MinimumVtRun && (best is null || count > best.Value.Count))
                {
                    best = (start, count);
                }
            }

            start = member ? i : -1;
        }

        return best;
    }

    // RR intervals within a run, on the re-aligned beat times.
    private static double[] RunIntervals(BeatMorphology morphology, int start, int count, double fs)
    {
        var intervals = new double[count - 1];
        for (int i = 0; i < intervals.Length; i++)
        {
            intervals[i] = (morphology.Samples[start + i + 1] - morphology.Samples[start + i]) / fs;
        }

        return intervals;
    }

    private static EcgFlag? Asystole(EcgRecording recording, List<Beat> beats, LeadQuality[] quality)
    {
        double fs = recording.SamplingRate;
        var usable = new List<int>();
        for (int l = 0; l < quality.Length; l++)
        {
            if (!quality[l].Railed)
            {
                usable.Add(l);
            }
        }

        if (usable.Count == 0)
        {
            return null;
        }

        // The T wave of the beat before and the P wave of the beat after are not part of the silence.
        int afterBeat = (int)Math.Round(0.6 * fs), beforeBeat = (int)Math.Round(0.35 * fs);
        var gaps = new List<(int From, int To)>();
        long previous = -1;
        foreach (var beat in beats.Append(new Beat(recording.Length, 0)))
        {
            int from = previous < 0 ? 0 : (int)previous + afterBeat;
            int to = beat.Sample >= recording.Length ? recording.Length : (int)beat.Sample - beforeBeat;
            if (to - from >= AsystoleSeconds * fs)
            {
                gaps.Add((from, to));
            }

            previous = beat.Sample;
        }

        if (gaps.Count == 0)
        {
            return null;
        }

        var monitoring = EcgFilterSettings.Monitoring.Design(fs);
        var filtered = new float[usable.Count][];
        var mv = new float[recording.Length];
        for (int u = 0; u < usable.Count; u++)
        {
            recording.Leads[usable[u]].CopyMillivolts(0, mv);
            filtered[u] = ZeroPhaseFilter.Apply(monitoring, mv);
        }

        foreach (var (from, to) in gaps)
        {
            double largest = 0;
            foreach (var x in filtered)
            {
                float min = float.MaxValue, max = float.MinValue;
                for (int i = from; i < to; i++)
                {
                    min = Math.Min(min, x[i]);
                    max = Math.Max(max, x[i]);
                }

                largest = Math.Max(largest, max - min);
            }

            if (largest < AsystoleFlatMv)
            {
                var leads = usable.Select(l => recording.Leads[l].Id).ToList();
                var evidence = new List<EcgEvidence>
                {
                    new($"no QRS and every lead under {AsystoleFlatMv} mV peak to peak; largest", leads, largest, "mV peak to peak", from / fs, to / fs),
                    EcgEvidence.Note("confirm at the bedside: a flat line in every lead can also be all electrodes detached"),
                };
                return Flag(EcgFlagKind.Asystole, $"No ventricular activity for {(to - from) / fs:0.0} s.", evidence);
            }
        }

        return null;
    }

    private static EcgFlag? StElevation(RestingEcgMeasurements? m, PatientContext? patient, LeadQuality[] quality)
    {
        if (m is null || m.StJMillivolts.Count == 0)
        {
            return null;
        }

        // Leads that are off or noisy cannot testify; nor can limb leads derived from them.
        var bad = new HashSet<LeadId>(quality.Where(q => q.Railed || q.Flat || q.Noisy).Select(q => q.Lead));
        if (bad.Contains(LeadId.I) || bad.Contains(LeadId.II))
        {
            bad.UnionWith([LeadId.III, LeadId.aVR, LeadId.aVL, LeadId.aVF]);
        }

        var elevated = new Dictionary<LeadId, (double St, double Threshold, string Basis)>();
        foreach (var (lead, st) in m.StJMillivolts)
        {
            var (threshold, basis) = StElevationCriteria.Threshold(lead, patient);
            if (!bad.Contains(lead) && st >= threshold)
            {
                elevated[lead] = (st, threshold, basis);
            }
        }

        var territories = new SortedSet<string>(StringComparer.Ordinal);
        var meeting = new SortedSet<LeadId>();
        foreach (var (a, b, territory) in StElevationCriteria.ContiguousPairs)
        {
            if (elevated.ContainsKey(a) && elevated.ContainsKey(b))
            {
                territories.Add(territory);
                meeting.Add(a);
                meeting.Add(b);
            }
        }

        if (meeting.Count == 0)
        {
            return null;
        }

        double? jMs = m.Fiducials is { } f ? f.MillisecondsFromFiducial(f.JPoint) : null;
        var evidence = new List<EcgEvidence>();
        foreach (var lead in meeting)
        {
            var (st, threshold, basis) = elevated[lead];
            string j60 = m.StJ60Millivolts.TryGetValue(lead, out double v) ? $"{v:0.00} mV at J+60 ms" : "J+60 ms not measurable";
            evidence.Add(new EcgEvidence($"ST elevation at the J point of the median beat (threshold {threshold:0.00} mV: {basis}; {j60})", [lead], st, "mV", null, null));
        }

        if (jMs is double j)
        {
            evidence.Add(EcgEvidence.Measured("J point on the median beat, after the fiducial", j, "ms"));
        }

        var depressed = m.StJMillivolts.Where(kv => kv.Value <= -0.05 && !bad.Contains(kv.Key)).Select(kv => kv.Key).OrderBy(x => x).ToArray();
        if (depressed.Length > 0)
        {
            evidence.Add(new EcgEvidence("reciprocal ST depression ≥ 0.05 mV", depressed, null, null, null, null));
        }

        if (patient?.Sex is null || (patient.Sex == Sex.Male && patient.AgeYears is null))
        {
            evidence.Add(EcgEvidence.Note("sex or age unknown: the most sensitive V2–V3 threshold was applied"));
        }

        if (m.QrsMs is double qrs && qrs >= WideQrsMs)
        {
            evidence.Add(EcgEvidence.Measured("QRS ≥ 120 ms (bundle branch block, pacing or ventricular rhythm): ST criteria are less specific", qrs, "ms"));
        }

        evidence.Add(EcgEvidence.Note("whether the elevation is new needs a prior ECG (Fourth Universal Definition of MI, Thygesen et al. 2018)"));
        return Flag(EcgFlagKind.StElevation, $"ST elevation in {string.Join(", ", meeting.Select(LeadNames.Label))} ({string.Join(", ", territories)}): STEMI criteria met.", evidence);
    }

    private static EcgFlag Flag(EcgFlagKind kind, string summary, IReadOnlyList<EcgEvidence> evidence) =>
        new(kind, UrgencyOf(kind), summary, evidence);

    private static string Names(IEnumerable<LeadQuality> leads) => string.Join(", ", leads.Select(q => LeadNames.Label(q.Lead)));
}
