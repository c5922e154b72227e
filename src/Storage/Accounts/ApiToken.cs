namespace Telemed.Storage.Accounts;

/// <summary>
/// A bearer token for the CLI or a device acting for a user. Only the SHA-256 of the token is kept: the token itself
/// is shown once, when it is made.
/// </summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    /// <summary>What the token is for ("laptop CLI"), so its owner can tell tokens apart.</summary>
    public required string Name { get; set; }

    /// <summary>SHA-256 of the token, lowercase hex.</summary>
    public required string TokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
