using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Telemed.Dicom.Data;

/// <summary>
/// UIDs under the 2.25 root (PS3.5 §B.2): "2.25." followed by a UUID (ITU-T X.667) written as one unsigned decimal
/// integer, so no organisation root needs registering. At most 2 + 1 + 39 = 44 characters, within UI's 64.
/// </summary>
public static class DicomUids
{
    /// <summary>A UID from a random (version 4) UUID, for new studies, series and instances.</summary>
    public static string Create() => FromUuidBytes(Guid.NewGuid().ToByteArray(bigEndian: true));

    /// <summary>
    /// A UID that is the same for the same name: a name-based UUID (RFC 9562 version 8, SHA-256 of the UTF-8 name),
    /// for reproducible output such as the demo samples. Different names give different UIDs with UUID certainty.
    /// </summary>
    public static string FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        byte[] uuid = SHA256.HashData(Encoding.UTF8.GetBytes(name))[..16];
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x80); // version 8
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80); // RFC variant
        return FromUuidBytes(uuid);
    }

    private static string FromUuidBytes(byte[] bigEndianUuid) =>
        "2.25." + new BigInteger(bigEndianUuid, isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);
}
