using System.Collections.Concurrent;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Telemed.Dicom.Network;
using Telemed.Storage.Catalog;

namespace Telemed.DeviceGateway.Devices;

/// <summary>
/// Who may send: the calling AE title must be a registered, enabled device, the remote address one of the device's,
/// and the device under its limit of concurrent associations. Devices are read from the catalog and cached;
/// <see cref="ReloadAsync"/> picks up an admin's changes.
/// </summary>
public sealed class DeviceRegistry(Func<CatalogDbContext> openContext)
{
    private readonly ConcurrentDictionary<string, int> open = new(StringComparer.Ordinal);
    private volatile Snapshot devices = new(new Dictionary<string, Entry>(), new Dictionary<string, Device>());

    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext context = openContext();
        List<Device> all = await context.Devices.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        devices = new Snapshot(
            all.Where(d => !string.IsNullOrWhiteSpace(d.AeTitle))
                .ToDictionary(d => d.AeTitle!.Trim(), d => new Entry(d, ParseNetworks(d)), StringComparer.Ordinal),
            all.ToDictionary(d => d.Id, StringComparer.Ordinal));
    }

    /// <summary>The registered device with this calling AE title (padding ignored), enabled or not.</summary>
    public Device? FindByAeTitle(string aeTitle) =>
        devices.ByAeTitle.TryGetValue(aeTitle.Trim(), out Entry? entry) ? entry.Device : null;

    public Device? FindById(string deviceId) => devices.ById.GetValueOrDefault(deviceId);

    /// <summary>Decides an A-ASSOCIATE-RQ from <paramref name="callingAe"/> at <paramref name="remote"/>.</summary>
    public DeviceAdmission Admit(string callingAe, IPAddress remote)
    {
        ArgumentNullException.ThrowIfNull(callingAe);
        ArgumentNullException.ThrowIfNull(remote);
        // PS3.8 §9.3.2: AE titles are padded with spaces; leading and trailing spaces are not significant.
        string title = callingAe.Trim();
        if (!devices.ByAeTitle.TryGetValue(title, out Entry? entry) || !entry.Device.Enabled)
        {
            return new DeviceAdmission(null, null, AssociationRejection.CallingAeTitleNotRecognized,
                $"calling AE title '{title}' is not a registered device");
        }

        IPAddress address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        if (!Array.Exists(entry.Networks, n => n.Contains(address)))
        {
            // PS3.8 has no "wrong address" reason: to the caller, this AE title is not recognised from there.
            return new DeviceAdmission(null, null, AssociationRejection.CallingAeTitleNotRecognized,
                $"device {entry.Device.Id} ('{title}') may not connect from {address}");
        }

        Device device = entry.Device;
        if (open.AddOrUpdate(device.Id, 1, (_, n) => n + 1) > device.MaxAssociations)
        {
            Release(device.Id);
            return new DeviceAdmission(null, null, AssociationRejection.LocalLimitExceeded,
                $"device {device.Id} already has {device.MaxAssociations} open associations");
        }

        return new DeviceAdmission(device, new Slot(this, device.Id), null, $"device {device.Id} of {device.InstitutionId}");
    }

    public int OpenAssociations(string deviceId) => open.TryGetValue(deviceId, out int n) ? n : 0;

    private void Release(string deviceId) => open.AddOrUpdate(deviceId, 0, (_, n) => Math.Max(0, n - 1));

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

    private sealed record Entry(Device Device, IPNetwork[] Networks);

    private sealed record Snapshot(IReadOnlyDictionary<string, Entry> ByAeTitle, IReadOnlyDictionary<string, Device> ById);

    /// <summary>One association slot; disposing twice gives it back once.</summary>
    private sealed class Slot(DeviceRegistry registry, string deviceId) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                registry.Release(deviceId);
            }
        }
    }
}
