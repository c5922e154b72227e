namespace Telemed.Storage.Catalog;

/// <summary>What a registered device is.</summary>
public enum DeviceKind
{
    EcgCart,
    EcgMonitor,
    DigitalRadiography,
    ComputedRadiography,
    Ultrasound,
    Workstation,
}

/// <summary>
/// A device allowed to talk to the hub: a DICOM modality by its AE title and source addresses, or an ECG streamer by
/// its token (only the token's hash is kept).
/// </summary>
public sealed class Device
{
    public required string Id { get; set; }

    public required string Name { get; set; }

    public DeviceKind Kind { get; set; }

    public required string InstitutionId { get; set; }

    /// <summary>The DICOM calling AE title (≤ 16 characters, PS3.5 AE); null for devices that only stream ECG.</summary>
    public string? AeTitle { get; set; }

    /// <summary>IP addresses or CIDR ranges the device may connect from, comma separated; empty means none.</summary>
    public string AllowedAddresses { get; set; } = string.Empty;

    /// <summary>How many associations or streams the device may hold open at once.</summary>
    public int MaxAssociations { get; set; } = 4;

    /// <summary>SHA-256 of the device token, hex; null when the device has no token.</summary>
    public string? TokenHash { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>Advanced by every admin change; the API's entity tag, checked as a concurrency token on update.</summary>
    public int Version { get; set; }
}
