using Telemed.Ecg.Signals;

namespace Telemed.Ecg.ScpEcg;

/// <summary>
/// EN 1064:2005 Table 13 (section 3 lead identification): the codes carts use. 31–38 and 86–89 are the same leads marked
/// "derived" (computed by the device rather than recorded); they map to the same <see cref="LeadId"/>.
/// </summary>
internal static class ScpLeadCodes
{
    // Index = SCP code for 0..18 (unspecified, I, II, V1–V6, V7, V2R–V7R, X, Y, Z).
    private static readonly string[] Low =
    [
        "?", "I", "II", "V1", "V2", "V3", "V4", "V5", "V6", "V7",
        "V2R", "V3R", "V4R", "V5R", "V6R", "V7R", "X", "Y", "Z",
    ];

    public static string Label(byte code) => code switch
    {
        < 19 => Low[code],
        19 => "CC5",
        20 => "CM5",
        21 => "LA",
        22 => "RA",
        23 => "LL",
        >= 31 and <= 48 => Low[code - 30], // dI … dZ
        61 => "III",
        62 => "aVR",
        63 => "aVL",
        64 => "aVF",
        65 => "-aVR",
        66 => "V8",
        67 => "V9",
        68 => "V8R",
        69 => "V9R",
        86 => "III",
        87 => "aVR",
        88 => "aVL",
        89 => "aVF",
        _ => $"SCP lead {code}",
    };

    public static bool IsDerived(byte code) => code is (>= 31 and <= 60) or (>= 86 and <= 90);

    /// <summary>Our lead for an SCP code; leads outside the 12 standard ones and X/Y/Z (V7, V3R, …) are Unknown with their SCP label.</summary>
    public static LeadId Id(byte code) => LeadNames.Parse(Label(code));

    /// <summary>The code our writer stores for a lead: the recorded (not derived) code, 0 for leads SCP has no code for.</summary>
    public static byte Code(LeadId id) => id switch
    {
        LeadId.I => 1,
        LeadId.II => 2,
        LeadId.V1 => 3,
        LeadId.V2 => 4,
        LeadId.V3 => 5,
        LeadId.V4 => 6,
        LeadId.V5 => 7,
        LeadId.V6 => 8,
        LeadId.X => 16,
        LeadId.Y => 17,
        LeadId.Z => 18,
        LeadId.III => 61,
        LeadId.aVR => 62,
        LeadId.aVL => 63,
        LeadId.aVF => 64,
        _ => 0,
    };
}
