using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Telemed.Ecg.Analysis;
using Telemed.Ecg.Signals;

namespace Telemed.Cli.Ecg;

/// <summary>Prints an <see cref="EcgAnalysis"/> for a person (text) or a program (JSON).</summary>
internal static class AnalysisReport
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static void WriteText(EcgAnalysis a, TextWriter o)
    {
        var r = a.Recording;
        var m = a.Measurements;
        o.WriteLine(Invariant($"Record {r.Name ?? "(unnamed)"}: {r.Leads.Count} leads ({string.Join(", ", r.Leads.Select(l => l.Label))}), {r.SamplingRate:0.###} Hz, {Clock(r.Duration)}"));
        o.WriteLine(Invariant($"Beats              {a.Beats.Count} (mean confidence {(a.Beats.Count > 0 ? a.Beats.Average(b => b.Confidence) : 0):0.00})"));
        o.WriteLine($"Heart rate         {Value(m.HeartRateBpm, "bpm", "0")}");
        o.WriteLine($"RR mean / SD       {Value(m.RrMeanMs, "ms", "0")} / {Value(m.RrSdMs, "ms", "0")}");
        o.WriteLine($"PR                 {Value(m.PrMs, "ms", "0")}");
        o.WriteLine($"QRS                {Value(m.QrsMs, "ms", "0")}");
        o.WriteLine($"QT                 {Value(m.QtMs, "ms", "0")}");
        o.WriteLine($"QTc Bazett         {Value(m.QtcBazettMs, "ms", "0")}");
        o.WriteLine($"QTc Fridericia     {Value(m.QtcFridericiaMs, "ms", "0")}");
        o.WriteLine($"Frontal QRS axis   {Value(m.FrontalAxisDegrees, "°", "0")}");
        o.WriteLine($"Median beats       {m.BeatsUsed} typical beats averaged, {m.BeatsExcluded} not used");
        if (m.StJ60Millivolts.Count > 0)
        {
            o.WriteLine("ST at J+60 ms      " + string.Join("  ", m.StJ60Millivolts.Select(kv => Invariant($"{LeadNames.Label(kv.Key)} {SignedMillivolts(kv.Value)} mV"))));
        }

        if (a.Flags.Count == 0)
        {
            o.WriteLine("Flags              none");
            return;
        }

        o.WriteLine($"Flags              (most urgent first; case urgency {a.Urgency})");
        foreach (var flag in a.Flags)
        {
            o.WriteLine($"  [{flag.Urgency}] {flag.Kind}: {flag.Summary}");
            foreach (var e in flag.Evidence)
            {
                o.WriteLine($"      - {e}");
            }
        }
    }

    public static void WriteJson(EcgAnalysis a, TextWriter o)
    {
        var r = a.Recording;
        var m = a.Measurements;
        var document = new
        {
            record = r.Name,
            samplingRate = r.SamplingRate,
            durationSeconds = r.Length / r.SamplingRate,
            leads = r.Leads.Select(l => l.Label),
            urgency = a.Urgency,
            beats = new
            {
                count = a.Beats.Count,
                samples = a.Beats.Select(b => b.Sample),
                confidence = a.Beats.Select(b => Math.Round(b.Confidence, 3)),
            },
            measurements = new
            {
                heartRateBpm = m.HeartRateBpm,
                rrMeanMs = m.RrMeanMs,
                rrSdMs = m.RrSdMs,
                prMs = m.PrMs,
                qrsMs = m.QrsMs,
                qtMs = m.QtMs,
                qtcBazettMs = m.QtcBazettMs,
                qtcFridericiaMs = m.QtcFridericiaMs,
                frontalAxisDegrees = m.FrontalAxisDegrees,
                stJMillivolts = m.StJMillivolts.ToDictionary(kv => LeadNames.Label(kv.Key), kv => kv.Value),
                stJ60Millivolts = m.StJ60Millivolts.ToDictionary(kv => LeadNames.Label(kv.Key), kv => kv.Value),
                beatsUsed = m.BeatsUsed,
                beatsExcluded = m.BeatsExcluded,
            },
            flags = a.Flags.Select(f => new
            {
                kind = f.Kind,
                urgency = f.Urgency,
                summary = f.Summary,
                evidence = f.Evidence.Select(e => new
                {
                    finding = e.Finding,
                    leads = e.Leads.Select(LeadNames.Label),
                    value = e.Value,
                    unit = e.Unit,
                    startSeconds = e.StartSeconds,
                    endSeconds = e.EndSeconds,
                }),
            }),
        };
        o.WriteLine(JsonSerializer.Serialize(document, Json));
    }

    private static string Value(double? v, string unit, string format) =>
        v is double d ? d.ToString(format, CultureInfo.InvariantCulture) + " " + unit : "not measurable";

    // Round first: a value like −0.001 would otherwise print as "-+0.00" (negative, yet zero in the format).
    private static string SignedMillivolts(double mv)
    {
        double rounded = Math.Round(mv, 2);
        return rounded == 0 ? "0.00" : rounded.ToString("+0.00;-0.00", CultureInfo.InvariantCulture);
    }

    private static string Clock(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}.{t.Milliseconds / 100}");

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
