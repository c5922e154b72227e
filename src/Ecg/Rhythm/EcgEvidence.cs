using System.Globalization;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Rhythm;

/// <summary>
/// One piece of evidence behind a flag: what was found, in which leads, the measured value with its unit,
/// and when (seconds from the start of the recording). Fields that do not apply are empty or null.
/// </summary>
public sealed record EcgEvidence(string Finding, IReadOnlyList<LeadId> Leads, double? Value, string? Unit, double? StartSeconds, double? EndSeconds)
{
    public static EcgEvidence Note(string finding) => new(finding, [], null, null, null, null);

    public static EcgEvidence Measured(string finding, double value, string unit, params LeadId[] leads) =>
        new(finding, leads, value, unit, null, null);

    public override string ToString()
    {
        var text = new System.Text.StringBuilder(Finding);
        if (Leads.Count > 0)
        {
            text.Append(" [").AppendJoin(", ", Leads.Select(LeadNames.Label)).Append(']');
        }

        if (Value is double v)
        {
            text.Append(": ").Append(v.ToString("0.###", CultureInfo.InvariantCulture)).Append(' ').Append(Unit);
        }

        if (StartSeconds is double s)
        {
            text.Append(" at ").Append(s.ToString("0.00", CultureInfo.InvariantCulture)).Append(" s");
            if (EndSeconds is double e)
            {
                text.Append('–').Append(e.ToString("0.00", CultureInfo.InvariantCulture)).Append(" s");
            }
        }

        return text.ToString();
    }
}
