namespace Telemed.DeviceGateway.EcgStreams.Authentication;

/// <summary>Checks a device's id and token from HELLO; the host backs it with the device registry.</summary>
public interface IEcgDeviceAuthenticator
{
    /// <summary>The device, or null to refuse (unknown device, wrong or revoked token).</summary>
    ValueTask<EcgDevice?> AuthenticateAsync(string deviceId, string token, CancellationToken cancellationToken);
}
