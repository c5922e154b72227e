using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Telemed.DeviceGateway.EcgStreams.Authentication;

/// <summary>
/// Devices registered in memory (tests, demos). Tokens are kept only as salted SHA-256 hashes: device tokens are long
/// random secrets, not passwords, so a slow password hash would only slow every reconnect of a weak link.
/// </summary>
public sealed class InMemoryEcgDeviceAuthenticator : IEcgDeviceAuthenticator
{
    private readonly ConcurrentDictionary<string, Registration> _devices = new(StringComparer.Ordinal);

    public void Register(string deviceId, string institutionId, string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        ArgumentException.ThrowIfNullOrEmpty(institutionId);
        ArgumentException.ThrowIfNullOrEmpty(token);
        byte[] salt = RandomNumberGenerator.GetBytes(16);
        _devices[deviceId] = new Registration(new EcgDevice(deviceId, institutionId), salt, Hash(salt, token));
    }

    public bool Revoke(string deviceId) => _devices.TryRemove(deviceId, out _);

    public ValueTask<EcgDevice?> AuthenticateAsync(string deviceId, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        ArgumentNullException.ThrowIfNull(token);
        if (_devices.TryGetValue(deviceId, out var registration)
            && CryptographicOperations.FixedTimeEquals(Hash(registration.Salt, token), registration.TokenHash))
        {
            return ValueTask.FromResult<EcgDevice?>(registration.Device);
        }

        return ValueTask.FromResult<EcgDevice?>(null);
    }

    private static byte[] Hash(byte[] salt, string token)
    {
        byte[] input = new byte[salt.Length + Encoding.UTF8.GetByteCount(token)];
        salt.CopyTo(input, 0);
        Encoding.UTF8.GetBytes(token, input.AsSpan(salt.Length));
        return SHA256.HashData(input);
    }

    private sealed record Registration(EcgDevice Device, byte[] Salt, byte[] TokenHash);
}
