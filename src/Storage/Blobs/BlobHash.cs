using System.Security.Cryptography;

namespace Telemed.Storage.Blobs;

/// <summary>The SHA-256 of a blob's bytes, as 64 lowercase hex digits: its name in the store.</summary>
public readonly record struct BlobHash
{
    private BlobHash(string hex) => Hex = hex;

    public string Hex { get; }

    public static BlobHash Parse(string hex)
    {
        if (!TryParse(hex, out BlobHash hash))
        {
            throw new FormatException($"not a SHA-256 blob hash (64 hex digits): '{hex}'");
        }

        return hash;
    }

    public static bool TryParse(string? hex, out BlobHash hash)
    {
        hash = default;
        if (hex is null || hex.Length != SHA256.HashSizeInBytes * 2)
        {
            return false;
        }

        foreach (char c in hex)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        hash = new BlobHash(hex);
        return true;
    }

    internal static BlobHash FromDigest(ReadOnlySpan<byte> digest) => new(Convert.ToHexStringLower(digest));

    public override string ToString() => Hex ?? string.Empty;
}
