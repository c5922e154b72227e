using Microsoft.Extensions.Configuration;
using Telemed.ConsultHub.Hosting;

namespace Telemed.ConsultHub.Uploads;

/// <summary>
/// Resumable uploads (section "Telemed:Uploads"): where partial uploads live (<c>&lt;data&gt;/uploads</c> by default,
/// so they survive a restart), the largest file accepted, and how long an upload may sit idle before it is deleted.
/// </summary>
public sealed record UploadOptions
{
    public required string Directory { get; init; }

    /// <summary>Largest declared length accepted (Telemed:Uploads:MaxBytes); 1 GiB by default.</summary>
    public long MaxBytes { get; init; } = 1L << 30;

    /// <summary>An upload untouched this long is deleted (Telemed:Uploads:Expiry); 24 h by default, a day of patchy 3G.</summary>
    public TimeSpan Expiry { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How often expired uploads are looked for (Telemed:Uploads:CleanupPeriod).</summary>
    public TimeSpan CleanupPeriod { get; init; } = TimeSpan.FromMinutes(10);

    public static UploadOptions From(IConfiguration configuration, HubOptions hub)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(hub);
        IConfigurationSection section = configuration.GetSection("Telemed:Uploads");
        var defaults = new UploadOptions { Directory = Path.Combine(hub.DataDirectory, "uploads") };
        string? max = section["MaxBytes"];
        return defaults with
        {
            Directory = section["Directory"] is string dir ? Path.GetFullPath(dir) : defaults.Directory,
            MaxBytes = max is null ? defaults.MaxBytes
                : long.TryParse(max, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long m) && m > 0
                    ? m
                    : throw new InvalidOperationException($"Telemed:Uploads:MaxBytes must be a positive number of bytes, not '{max}'"),
            Expiry = HubOptions.Duration(section, "Expiry", defaults.Expiry),
            CleanupPeriod = HubOptions.Duration(section, "CleanupPeriod", defaults.CleanupPeriod),
        };
    }
}
