namespace Telemed.Storage.Accounts;

/// <summary>
/// A person who signs in to the hub. Belongs to one community and one institution; the password is kept only as an
/// ASP.NET Core Identity hash (PBKDF2), and repeated failures lock the account for a while.
/// </summary>
public sealed class UserAccount
{
    /// <summary>The sign-in name; for readers the same id as their reader grain.</summary>
    public required string Id { get; set; }

    public required string DisplayName { get; set; }

    public UserRole Role { get; set; }

    public required string CommunityId { get; set; }

    public required string InstitutionId { get; set; }

    public required string PasswordHash { get; set; }

    /// <summary>Failed sign-ins since the last success or lockout.</summary>
    public int FailedSignIns { get; set; }

    public DateTimeOffset? LockedOutUntil { get; set; }

    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Advanced by every change an admin or the user makes (name, role, institution, enabled, password); the API's
    /// entity tag, checked as a concurrency token on update. Sign-in bookkeeping (failures, lockout) leaves it alone.
    /// </summary>
    public int Version { get; set; }
}
