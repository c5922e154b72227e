using System.Security.Cryptography;
using System.Text;

namespace Telemed.DeviceGateway.Devices;

/// <summary>Device tokens: random, shown once, kept only as a SHA-256 hash and compared in constant time.</summary>
public static class DeviceTokens
{
    /// <summary>A new token: 32 random bytes, base64url (43 characters).</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }

    public static bool Matches(string token, string? storedHash)
    {
        if (storedHash is null || token is null)
        {
            return false;
        }

        byte[] expected = Encoding.ASCII.GetBytes(storedHash);
        byte[] actual = Encoding.ASCII.GetBytes(Hash(token));
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
