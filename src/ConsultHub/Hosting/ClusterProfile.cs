using System.Net;
using Microsoft.Extensions.Configuration;

namespace Telemed.ConsultHub.Hosting;

/// <summary>
/// The cluster profile, section "Telemed:Cluster" (switch <c>--cluster</c>): several hub processes form one Orleans
/// cluster with membership in Redis, and keep the catalog, grain state and reminders in one PostgreSQL database.
/// Each process needs its own silo and gateway ports (<c>--silo-port</c>, <c>--gateway-port</c>) and a blob folder
/// every process shares (<c>--blobs</c>).
/// </summary>
public sealed record ClusterProfile
{
    /// <summary>StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>.</summary>
    public required string Redis { get; init; }

    /// <summary>Npgsql connection string of the catalog database (which must exist; the hub migrates it).</summary>
    public required string Postgres { get; init; }

    /// <summary>Processes with the same cluster id form one cluster.</summary>
    public string ClusterId { get; init; } = "telemed";

    /// <summary>Stays the same across deployments: stored grain state and reminders are keyed by it.</summary>
    public string ServiceId { get; init; } = "telemed";

    /// <summary>The address other silos and clients reach this silo on; the silo listens on it only.</summary>
    public IPAddress AdvertisedAddress { get; init; } = IPAddress.Loopback;

    /// <summary>How long a silo waits for a peer's probe answer (Orleans' default 5 s).</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Missed probes before a silo votes a peer dead (Orleans' default 3); detection takes about their product.</summary>
    public int MissedProbesLimit { get; init; } = 3;

    /// <returns>Null unless <c>Enabled</c> is true.</returns>
    public static ClusterProfile? From(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (!bool.TryParse(section["Enabled"], out bool enabled) || !enabled)
        {
            return null;
        }

        var defaults = new ClusterProfile { Redis = "", Postgres = "" };
        string address = section["AdvertisedAddress"] ?? defaults.AdvertisedAddress.ToString();
        return new ClusterProfile
        {
            Redis = Required(section, "Redis", "--redis 127.0.0.1:6379"),
            Postgres = Required(section, "Postgres", "--postgres \"Host=127.0.0.1;Username=telemed;Database=telemed\""),
            ClusterId = section["ClusterId"] ?? defaults.ClusterId,
            ServiceId = section["ServiceId"] ?? defaults.ServiceId,
            AdvertisedAddress = IPAddress.TryParse(address, out IPAddress? ip)
                ? ip
                : throw new InvalidOperationException($"{section.Path}:AdvertisedAddress must be an IP address, not '{address}'"),
            ProbeTimeout = HubOptions.Duration(section, "ProbeTimeout", defaults.ProbeTimeout),
            MissedProbesLimit = Math.Max(1, HubOptions.Int(section, "MissedProbesLimit", defaults.MissedProbesLimit)),
        };
    }

    private static string Required(IConfigurationSection section, string key, string example) =>
        string.IsNullOrWhiteSpace(section[key])
            ? throw new InvalidOperationException($"the cluster profile needs {section.Path}:{key} (e.g. {example})")
            : section[key]!;
}
