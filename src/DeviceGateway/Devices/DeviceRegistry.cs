using System.Collections.Concurrent;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Telemed.Storage.Catalog;

namespace Telemed.DeviceGateway.Devices;

/// <summary>
/// Decides who may associate: the called AE title must be ours, the calling AE title a registered, enabled device,
/// the remote address one of the device's, and the device under its limit of concurrent associations.
/// Devices are read from the catalog and cached; <see cref="ReloadAsync"/> picks up an admin's changes.
/// </summary>
public sealed class DeviceRegistry(Func<CatalogDbContext> openContext, string calledAeTitle)
{
    private readonly ConcurrentDictionary<string, int> open = new(StringComparer.Ordinal);
    private volatile IReadOnlyDictionary<string, (Device Device, IPNetwork[] Networks)> byAeTitle =
        new Dictionary<string, (Device, IPNetwork[])>();

    public string CalledAeTitle { get; } = calledAeTitle;

    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext context = openContext();
        List<Device> devices = await context.Devices.AsNoTracking().Where(d => d.AeTitle != null)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        byAeTitle = devices.ToDictionary(d => d.AeTitle!.Trim(), d => (d, ParseNetworks(d)), StringComparer.Ordinal);
    }

    /// <summary>
    /// Decides an A-ASSOCIATE-RQ. An accepted decision holds one of the device's association slots until
    /// <see cref="Release"/>.
    /// </summary>
    public AssociationDecision Decide(string calledAe, string callingAe, IPAddress remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        // PS3.8 §9.3.2: AE titles are padded with spaces; leading and trailing spaces are not significant.
        if (!string.Equals(calledAe.Trim(), CalledAeTitle, StringComparison.Ordinal))
        {
            return AssociationDecision.Reject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CalledAeTitleNotRecognized,
                $"called AE title '{calledAe.Trim()}' is not this hub ('{CalledAeTitle}')");
        }

        if (!byAeTitle.TryGetValue(callingAe.Trim(), out var entry) || !entry.Device.Enabled)
        {
            return AssociationDecision.Reject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CallingAeTitleNotRecognized,
                $"calling AE title '{callingAe.Trim()}' is not a registered device");
        }

        IPAddress address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        if (!Array.Exists(entry.Networks, n => n.Contains(address)))
        {
            return AssociationDecision.Reject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CallingAeTitleNotRecognized,
                $"device {entry.Device.Id} ('{callingAe.Trim()}') may not connect from {address}");
        }

        Device device = entry.Device;
        int now = open.AddOrUpdate(device.Id, 1, (_, n) => n + 1);
        if (now > device.MaxAssociations)
        {
            Release(device);
            return AssociationDecision.Reject(RejectResult.Transient, RejectSource.ServiceProviderPresentation, RejectReason.LocalLimitExceeded,
                $"device {device.Id} already has {device.MaxAssociations} open associations");
        }

        return AssociationDecision.Accept(device);
    }

    /// <summary>Gives back the association slot an accepted decision took.</summary>
    public void Release(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        open.AddOrUpdate(device.Id, 0, (_, n) => Math.Max(0, n - 1));
    }

    public int OpenAssociations(string deviceId) => open.TryGetValue(deviceId, out int n) ? n : 0;

    private static IPNetwork[] ParseNetworks(Device device)
    {
        var networks = new List<IPNetwork>();
        foreach (string part in device.AllowedAddresses.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(part, out IPNetwork network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(part, out IPAddress? single))
            {
                networks.Add(new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw new FormatException($"device {device.Id}: '{part}' is not an IP address or CIDR range");
            }
        }

        return [.. networks];
    }
}
