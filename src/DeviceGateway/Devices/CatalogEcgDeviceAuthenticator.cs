using Telemed.DeviceGateway.EcgStreams.Authentication;

namespace Telemed.DeviceGateway.Devices;

/// <summary>ECG stream devices from the registry: enabled, with a token whose hash matches the one kept at rest.</summary>
public sealed class CatalogEcgDeviceAuthenticator(DeviceRegistry registry) : IEcgDeviceAuthenticator
{
    public ValueTask<EcgDevice?> AuthenticateAsync(string deviceId, string token, CancellationToken cancellationToken)
    {
        var device = registry.FindById(deviceId);
        return ValueTask.FromResult(device is { Enabled: true } && DeviceTokens.Matches(token, device.TokenHash)
            ? new EcgDevice(device.Id, device.InstitutionId)
            : null);
    }
}
