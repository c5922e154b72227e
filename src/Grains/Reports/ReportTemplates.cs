using Telemed.Grains.Cases;

namespace Telemed.Grains.Reports;

/// <summary>
/// The structured fields of each report template, and a draft prefilled from the automatic ECG analysis so the
/// cardiologist confirms or corrects numbers instead of typing them.
/// </summary>
public static class ReportTemplates
{
    public const string Rhythm = "Rhythm";
    public const string HeartRate = "Heart rate (bpm)";
    public const string Pr = "PR (ms)";
    public const string Qrs = "QRS (ms)";
    public const string Qt = "QT (ms)";
    public const string Qtc = "QTc (ms)";
    public const string Axis = "Axis (degrees)";
    public const string StSegment = "ST segment";
    public const string AutomaticFlags = "Automatic flags";

    public static IReadOnlyList<string> FieldsOf(ReportTemplateKind template) => template switch
    {
        ReportTemplateKind.RestingEcg => [Rhythm, HeartRate, Pr, Qrs, Qt, Qtc, Axis, StSegment, AutomaticFlags],
        ReportTemplateKind.ChestXray => ["Projection", "Lungs", "Pleura", "Heart size", "Mediastinum", "Bones", "Lines and tubes"],
        _ => throw new ArgumentOutOfRangeException(nameof(template), template, "no such report template"),
    };

    public static ReportContent Draft(ReportTemplateKind template, EcgFindings? ecg)
    {
        var values = FieldsOf(template).ToDictionary(f => f, _ => string.Empty, StringComparer.Ordinal);
        if (template == ReportTemplateKind.RestingEcg && ecg is not null)
        {
            Set(values, HeartRate, ecg.HeartRateBpm);
            Set(values, Pr, ecg.PrMs);
            Set(values, Qrs, ecg.QrsMs);
            Set(values, Qt, ecg.QtMs);
            Set(values, Qtc, ecg.QtcMs);
            Set(values, Axis, ecg.AxisDegrees);
            values[AutomaticFlags] = string.Join(", ", ecg.Flags);
            values[Rhythm] = RhythmStatement(ecg.Flags);
            values[StSegment] = ecg.Flags.Contains("StElevation") ? "ST elevation meeting STEMI criteria (automatic, to confirm)" : string.Empty;
        }

        return new ReportContent(template, [.. values.Select(v => new ReportField(v.Key, v.Value))], string.Empty, string.Empty);
    }

    private static void Set(Dictionary<string, string> values, string field, int? value)
    {
        if (value is { } v)
        {
            values[field] = v.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    // Flag names are Telemed.Ecg.Rhythm.EcgFlagKind's; the statement is only a suggestion for the reader to confirm.
    private static string RhythmStatement(IReadOnlyList<string> flags) =>
        flags.Contains("Asystole") ? "Asystole (automatic, to confirm)"
        : flags.Contains("WideComplexTachycardia") ? "Wide complex tachycardia, VT suspected (automatic, to confirm)"
        : flags.Contains("IrregularlyIrregular") ? "Atrial fibrillation suspected (automatic, to confirm)"
        : flags.Contains("Pause") ? "Pause over 3 s (automatic, to confirm)"
        : string.Empty;
}
