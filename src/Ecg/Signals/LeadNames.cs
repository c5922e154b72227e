namespace Telemed.Ecg.Signals;

/// <summary>Maps the labels devices and files use to <see cref="LeadId"/>.</summary>
public static class LeadNames
{
    private static readonly Dictionary<string, LeadId> ByLabel = new(StringComparer.OrdinalIgnoreCase)
    {
        ["I"] = LeadId.I, ["II"] = LeadId.II, ["III"] = LeadId.III,
        ["aVR"] = LeadId.aVR, ["aVL"] = LeadId.aVL, ["aVF"] = LeadId.aVF,
        ["V1"] = LeadId.V1, ["V2"] = LeadId.V2, ["V3"] = LeadId.V3,
        ["V4"] = LeadId.V4, ["V5"] = LeadId.V5, ["V6"] = LeadId.V6,
        ["MLII"] = LeadId.MLII, ["ML2"] = LeadId.MLII,
        ["MLI"] = LeadId.I, ["MLIII"] = LeadId.III,
        ["MV1"] = LeadId.MV1, ["MV2"] = LeadId.MV2, ["MV3"] = LeadId.MV3,
        ["MV4"] = LeadId.MV4, ["MV5"] = LeadId.MV5, ["MV6"] = LeadId.MV6,
        ["X"] = LeadId.X, ["Y"] = LeadId.Y, ["Z"] = LeadId.Z,
        ["Lead I"] = LeadId.I, ["Lead II"] = LeadId.II, ["Lead III"] = LeadId.III,
    };

    /// <summary>The standard 12 leads in their conventional display order.</summary>
    public static IReadOnlyList<LeadId> Standard12 { get; } =
    [
        LeadId.I, LeadId.II, LeadId.III, LeadId.aVR, LeadId.aVL, LeadId.aVF,
        LeadId.V1, LeadId.V2, LeadId.V3, LeadId.V4, LeadId.V5, LeadId.V6,
    ];

    public static LeadId Parse(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return ByLabel.TryGetValue(label.Trim(), out var id) ? id : LeadId.Unknown;
    }

    public static string Label(LeadId id) => id == LeadId.Unknown ? "?" : id.ToString();
}
