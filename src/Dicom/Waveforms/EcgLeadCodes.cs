using Telemed.Ecg.Signals;

namespace Telemed.Dicom.Waveforms;

/// <summary>
/// PS3.16 CID 3001 "ECG Leads": the lead of a channel's Channel Source Sequence. Current editions code leads in
/// ISO/IEEE 11073 MDC as "2:n"; older ones (and many carts) used SCP-ECG (EN 1064) "5.6.3-9-n". Both share the
/// lead number n, so one table serves both. We write MDC.
/// </summary>
public static class EcgLeadCodes
{
    public const string MdcScheme = "MDC";
    public const string ScpEcgScheme = "SCPECG";

    private static readonly (int Number, LeadId Lead, string Meaning)[] Leads =
    [
        (1, LeadId.I, "Lead I"), (2, LeadId.II, "Lead II"),
        (3, LeadId.V1, "Lead V1"), (4, LeadId.V2, "Lead V2"), (5, LeadId.V3, "Lead V3"),
        (6, LeadId.V4, "Lead V4"), (7, LeadId.V5, "Lead V5"), (8, LeadId.V6, "Lead V6"),
        (61, LeadId.III, "Lead III"), (62, LeadId.aVR, "Lead aVR"), (63, LeadId.aVL, "Lead aVL"), (64, LeadId.aVF, "Lead aVF"),
    ];

    /// <summary>The MDC code of a standard lead; null for leads CID 3001 does not name this way (e.g. MLII).</summary>
    public static CodedConcept? ForLead(LeadId lead)
    {
        foreach (var (number, id, meaning) in Leads)
        {
            if (id == lead)
            {
                return new CodedConcept($"2:{number}", MdcScheme, meaning);
            }
        }

        return null;
    }

    /// <summary>The lead a CID 3001 code names, from MDC "2:n" or SCP-ECG "5.6.3-9-n"; Unknown otherwise.</summary>
    public static LeadId ToLead(CodedConcept code)
    {
        ArgumentNullException.ThrowIfNull(code);
        string? number = code.Scheme.ToUpperInvariant() switch
        {
            MdcScheme when code.Value.StartsWith("2:", StringComparison.Ordinal) => code.Value[2..],
            ScpEcgScheme when code.Value.StartsWith("5.6.3-9-", StringComparison.Ordinal) => code.Value[8..],
            _ => null,
        };
        if (number is not null && int.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n))
        {
            foreach (var (leadNumber, id, _) in Leads)
            {
                if (leadNumber == n)
                {
                    return id;
                }
            }
        }

        return LeadId.Unknown;
    }
}
