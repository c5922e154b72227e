using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Telemed.Storage.Audit;

/// <summary>
/// The hash chain over the audit log: each entry's hash is SHA-256 over the previous entry's hash and the entry's
/// canonical form, a JSON array of its fields in a fixed order (sequence, time in Unix milliseconds, user, community,
/// action, resource, patient, address, outcome). Changing any field, or moving a row, breaks every later link.
/// </summary>
public static class AuditChain
{
    /// <summary>What the first entry chains to.</summary>
    public static readonly string Genesis = new('0', 64);

    public static string Canonical(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(entry.Sequence);
            writer.WriteNumberValue(entry.At.ToUnixTimeMilliseconds());
            writer.WriteStringValue(entry.UserId);
            writer.WriteStringValue(entry.CommunityId);
            writer.WriteStringValue(entry.Action);
            writer.WriteStringValue(entry.Resource);
            writer.WriteStringValue(entry.PatientId);
            writer.WriteStringValue(entry.RemoteAddress);
            writer.WriteStringValue(entry.Outcome);
            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string ComputeHash(string previousHash, AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(previousHash);
        byte[] input = System.Text.Encoding.UTF8.GetBytes(previousHash + "\n" + Canonical(entry));
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }
}
