using Telemed.Ecg.Analysis;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.Signals;
using Telemed.Storage.Catalog;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// The ECG JSON contract agreed with the viewer: samples as integers in microvolts per lead, sample numbers counted
/// from the start of the whole recording (also inside a window, whose first sample is <see cref="StartSample"/>).
/// </summary>
internal sealed record EcgView(
    string SopInstanceUid,
    string? PatientId,
    string StudyInstanceUid,
    double SamplingRate,
    long TotalSamples,
    long StartSample,
    IReadOnlyList<EcgLeadView> Leads,
    IReadOnlyList<EcgBeatView> Beats,
    double? HeartRate,
    EcgMeasurementsView Measurements,
    EcgUrgency Urgency,
    IReadOnlyList<EcgFlagView> Flags)
{
    public static EcgView From(StoredInstance instance, EcgAnalysis analysis, double? fromSeconds, double? toSeconds)
    {
        EcgRecording r = analysis.Recording;
        int start = (int)Math.Min(r.Length, Math.Round((fromSeconds ?? 0) * r.SamplingRate));
        int end = (int)Math.Min(r.Length, Math.Round((toSeconds ?? double.MaxValue / 2 / r.SamplingRate) * r.SamplingRate));
        end = Math.Max(start, end);
        var leads = r.Leads.Where(l => l.IsVoltage).Select(l => new EcgLeadView(Name(l), "uV", Microvolts(l, start, end - start))).ToList();
        var beats = analysis.Beats.Where(b => b.Sample >= start && b.Sample < end)
            // The detector finds QRS complexes but does not classify them: every beat is labelled N (MIT-BIH code of a
            // normal or unclassified beat); ectopy is reported by the flags.
            .Select(b => new EcgBeatView(b.Sample, "N")).ToList();
        var flags = analysis.Flags.Select(f => EcgFlagView.From(f, r.SamplingRate)).ToList();
        return new EcgView(instance.SopInstanceUid, instance.PatientId, instance.StudyInstanceUid, r.SamplingRate, r.Length, start,
            leads, beats, analysis.Measurements.HeartRateBpm, Measured(analysis), analysis.Urgency, flags);
    }

    private static string Name(EcgLead lead) => lead.Id == LeadId.Unknown ? lead.Label : LeadNames.Label(lead.Id);

    private static int[] Microvolts(EcgLead lead, int start, int length)
    {
        ReadOnlySpan<int> adu = lead.Samples.Span.Slice(start, length);
        double scale = 1000 / lead.AduPerMillivolt;
        var values = new int[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (int)Math.Round((adu[i] - lead.Baseline) * scale);
        }

        return values;
    }

    private static EcgMeasurementsView Measured(EcgAnalysis analysis)
    {
        var m = analysis.Measurements;
        return new EcgMeasurementsView(m.HeartRateBpm, m.RrMeanMs, m.RrSdMs, m.PrMs, m.QrsMs, m.QtMs, m.QtcBazettMs, m.QtcFridericiaMs,
            m.FrontalAxisDegrees,
            m.StJMillivolts.ToDictionary(kv => LeadNames.Label(kv.Key), kv => Math.Round(kv.Value * 1000)),
            m.StJ60Millivolts.ToDictionary(kv => LeadNames.Label(kv.Key), kv => Math.Round(kv.Value * 1000)),
            m.BeatsUsed, m.BeatsExcluded);
    }
}

internal sealed record EcgLeadView(string Name, string Unit, int[] Samples);

/// <summary>A detected QRS: sample number from the start of the recording and a beat label.</summary>
internal sealed record EcgBeatView(long Sample, string Label);

/// <summary>Global measurements (null: not measurable); ST levels in µV per lead relative to the PR baseline.</summary>
internal sealed record EcgMeasurementsView(
    double? HeartRateBpm,
    double? RrMeanMs,
    double? RrSdMs,
    double? PrMs,
    double? QrsMs,
    double? QtMs,
    double? QtcBazettMs,
    double? QtcFridericiaMs,
    double? FrontalAxisDegrees,
    IReadOnlyDictionary<string, double> StJMicrovolts,
    IReadOnlyDictionary<string, double> StJ60Microvolts,
    int BeatsUsed,
    int BeatsExcluded);

/// <summary>
/// A flag: <see cref="Code"/> is the flag kind, <see cref="Evidence"/> where to look (the first piece of evidence that
/// names a lead or a time; sample numbers from the start of the recording), <see cref="Details"/> every piece of it.
/// </summary>
internal sealed record EcgFlagView(string Code, string Text, EcgUrgency Urgency, EcgEvidenceView? Evidence, IReadOnlyList<EcgEvidenceDetail> Details)
{
    public static EcgFlagView From(EcgFlag flag, double samplingRate)
    {
        var details = flag.Evidence.Select(e => new EcgEvidenceDetail(e.Finding, e.Leads.Select(LeadNames.Label).ToList(), e.Value, e.Unit,
            Sample(e.StartSeconds, samplingRate), Sample(e.EndSeconds, samplingRate))).ToList();
        EcgEvidenceDetail? located = details.FirstOrDefault(d => d.StartSample is not null) ?? details.FirstOrDefault(d => d.Leads.Count > 0);
        EcgEvidenceView? evidence = located is null ? null : new EcgEvidenceView(located.Leads.Count > 0 ? located.Leads[0] : null, located.StartSample, located.EndSample);
        return new EcgFlagView(flag.Kind.ToString(), flag.Summary, flag.Urgency, evidence, details);
    }

    private static long? Sample(double? seconds, double samplingRate) => seconds is double s ? (long)Math.Round(s * samplingRate) : null;
}

internal sealed record EcgEvidenceView(string? Lead, long? StartSample, long? EndSample);

internal sealed record EcgEvidenceDetail(string Finding, IReadOnlyList<string> Leads, double? Value, string? Unit, long? StartSample, long? EndSample);
