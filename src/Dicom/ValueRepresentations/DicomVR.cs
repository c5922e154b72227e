namespace Telemed.Dicom.ValueRepresentations;

/// <summary>
/// A value representation of PS3.5 Table 6.2-1: its two-letter code and the properties a reader and writer need.
/// The 34 instances are fixed; compare them by reference.
/// </summary>
public sealed class DicomVR
{
    private const uint Unlimited = 0xFFFF_FFFE; // PS3.5 Table 6.2-1: "2^32-2" for UC, UR, UT, ...

    private DicomVR(string code, DicomVRKind kind, uint maxLength, int valueSize = 0)
    {
        Code = code;
        Kind = kind;
        MaxLength = maxLength;
        ValueSize = valueSize;
    }

    /// <summary>The two-letter code, e.g. "PN".</summary>
    public string Code { get; }

    public DicomVRKind Kind { get; }

    /// <summary>
    /// PS3.5 Table 6.2-1 maximum length of one value: characters for text VRs (PN: per component group),
    /// bytes for numbers; 2^32-2 where the standard only bounds it by the length field.
    /// </summary>
    public uint MaxLength { get; }

    /// <summary>Bytes per value for fixed-size binary VRs (US = 2, FD = 8, OW = 2, ...); 0 otherwise.</summary>
    public int ValueSize { get; }

    /// <summary>
    /// PS3.5 §7.1.2: OB, OD, OF, OL, OV, OW, SQ, SV, UC, UN, UR, UT and UV use the explicit-VR header with two
    /// reserved bytes and a 32-bit length (12 bytes in all); every other VR a 16-bit length (8 bytes).
    /// </summary>
    public bool HasLongExplicitLength => Code is "OB" or "OD" or "OF" or "OL" or "OV" or "OW" or "SQ" or "SV"
        or "UC" or "UN" or "UR" or "UT" or "UV";

    /// <summary>Bytes of the explicit-VR element header (tag, VR, [reserved,] length): 8 or 12.</summary>
    public int ExplicitHeaderLength => HasLongExplicitLength ? 12 : 8;

    /// <summary>PS3.5 §6.2: text values are padded to even length with a space, UI with NUL, binary values with 00H.</summary>
    public byte PaddingByte => Kind == DicomVRKind.Text && Code != "UI" ? (byte)' ' : (byte)0;

    /// <summary>True for character string VRs (AE ... UT).</summary>
    public bool IsText => Kind == DicomVRKind.Text;

    /// <summary>
    /// PS3.5 §6.4: LT, ST, UT and UR hold a single value, and a backslash in them is text; all other text VRs separate
    /// values with a backslash.
    /// </summary>
    public bool IsMultiValuedText => IsText && Code is not ("LT" or "ST" or "UT" or "UR");

    /// <summary>
    /// PS3.5 Table 6.2-1: SH, LO, ST, LT, PN, UC and UT hold characters of the Specific Character Set (0008,0005);
    /// every other text VR is limited to the default repertoire.
    /// </summary>
    public bool UsesSpecificCharacterSet => Code is "SH" or "LO" or "ST" or "LT" or "PN" or "UC" or "UT";

    public static DicomVR AE { get; } = new("AE", DicomVRKind.Text, 16);
    public static DicomVR AS { get; } = new("AS", DicomVRKind.Text, 4);
    public static DicomVR AT { get; } = new("AT", DicomVRKind.Number, 4, 4);
    public static DicomVR CS { get; } = new("CS", DicomVRKind.Text, 16);
    public static DicomVR DA { get; } = new("DA", DicomVRKind.Text, 8);
    public static DicomVR DS { get; } = new("DS", DicomVRKind.Text, 16);
    public static DicomVR DT { get; } = new("DT", DicomVRKind.Text, 26);
    public static DicomVR FD { get; } = new("FD", DicomVRKind.Number, 8, 8);
    public static DicomVR FL { get; } = new("FL", DicomVRKind.Number, 4, 4);
    public static DicomVR IS { get; } = new("IS", DicomVRKind.Text, 12);
    public static DicomVR LO { get; } = new("LO", DicomVRKind.Text, 64);
    public static DicomVR LT { get; } = new("LT", DicomVRKind.Text, 10240);
    public static DicomVR OB { get; } = new("OB", DicomVRKind.Bytes, Unlimited, 1);
    public static DicomVR OD { get; } = new("OD", DicomVRKind.Bytes, Unlimited, 8);
    public static DicomVR OF { get; } = new("OF", DicomVRKind.Bytes, Unlimited, 4);
    public static DicomVR OL { get; } = new("OL", DicomVRKind.Bytes, Unlimited, 4);
    public static DicomVR OV { get; } = new("OV", DicomVRKind.Bytes, Unlimited, 8);
    public static DicomVR OW { get; } = new("OW", DicomVRKind.Bytes, Unlimited, 2);
    public static DicomVR PN { get; } = new("PN", DicomVRKind.Text, 64);
    public static DicomVR SH { get; } = new("SH", DicomVRKind.Text, 16);
    public static DicomVR SL { get; } = new("SL", DicomVRKind.Number, 4, 4);
    public static DicomVR SQ { get; } = new("SQ", DicomVRKind.Sequence, Unlimited);
    public static DicomVR SS { get; } = new("SS", DicomVRKind.Number, 2, 2);
    public static DicomVR ST { get; } = new("ST", DicomVRKind.Text, 1024);
    public static DicomVR SV { get; } = new("SV", DicomVRKind.Number, 8, 8);
    public static DicomVR TM { get; } = new("TM", DicomVRKind.Text, 14);
    public static DicomVR UC { get; } = new("UC", DicomVRKind.Text, Unlimited);
    public static DicomVR UI { get; } = new("UI", DicomVRKind.Text, 64);
    public static DicomVR UL { get; } = new("UL", DicomVRKind.Number, 4, 4);
    public static DicomVR UN { get; } = new("UN", DicomVRKind.Bytes, Unlimited, 1);
    public static DicomVR UR { get; } = new("UR", DicomVRKind.Text, Unlimited);
    public static DicomVR US { get; } = new("US", DicomVRKind.Number, 2, 2);
    public static DicomVR UT { get; } = new("UT", DicomVRKind.Text, Unlimited);
    public static DicomVR UV { get; } = new("UV", DicomVRKind.Number, 8, 8);

    /// <summary>
    /// The 34 VRs in the order of PS3.5 Table 6.2-1 (alphabetical). The dictionary generator numbers VRs in
    /// this order, so it must not change.
    /// </summary>
    public static IReadOnlyList<DicomVR> All { get; } =
    [
        AE, AS, AT, CS, DA, DS, DT, FD, FL, IS, LO, LT, OB, OD, OF, OL, OV, OW,
        PN, SH, SL, SQ, SS, ST, SV, TM, UC, UI, UL, UN, UR, US, UT, UV,
    ];

    /// <summary>Reads a two-byte VR field of an explicit-VR element header (ASCII letters, PS3.5 §7.1.2).</summary>
    public static bool TryParse(ReadOnlySpan<byte> code, out DicomVR vr)
    {
        vr = UN;
        if (code.Length != 2)
        {
            return false;
        }

        int key = (code[0] << 8) | code[1];
        IReadOnlyList<DicomVR> all = All;
        for (int i = 0; i < all.Count; i++)
        {
            string c = all[i].Code;
            if (((c[0] << 8) | c[1]) == key)
            {
                vr = all[i];
                return true;
            }
        }

        return false;
    }

    public static bool TryParse(string? code, out DicomVR vr)
    {
        vr = UN;
        return code is { Length: 2 } && code[0] < 128 && code[1] < 128 && TryParse([(byte)code[0], (byte)code[1]], out vr);
    }

    public static DicomVR Parse(string code) =>
        TryParse(code, out DicomVR vr) ? vr : throw new FormatException($"'{code}' is not a value representation of PS3.5 Table 6.2-1.");

    public override string ToString() => Code;
}
