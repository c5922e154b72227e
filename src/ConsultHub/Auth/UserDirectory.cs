using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Telemed.Storage.Accounts;
using Telemed.Storage.Catalog;

namespace Telemed.ConsultHub.Auth;

/// <summary>
/// Users and their API tokens in the catalog: password checks with lockout, creation under the password policy, and
/// bearer tokens that are shown once and kept only as SHA-256.
/// </summary>
public sealed class UserDirectory(Func<CatalogDbContext> openCatalog, LockoutPolicy lockout, TimeProvider clock)
{
    private static readonly PasswordHasher<UserAccount> Hasher = new();

    /// <summary>Hashed once so an unknown user costs as much time as a known one (no user enumeration by timing).</summary>
    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(null!, PasswordPolicy.Generate()));

    public async Task<(SignInOutcome Outcome, UserAccount? User)> SignInAsync(string userId, string password, CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext catalog = openCatalog();
        UserAccount? user = await catalog.Users.FindAsync([userId], cancellationToken);
        if (user is null || !user.Enabled)
        {
            Hasher.VerifyHashedPassword(null!, DummyHash.Value, password);
            return (SignInOutcome.Failed, user);
        }

        DateTimeOffset now = clock.GetUtcNow();
        if (user.LockedOutUntil is { } until && until > now)
        {
            return (SignInOutcome.LockedOut, user);
        }

        PasswordVerificationResult result = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            user.FailedSignIns++;
            SignInOutcome outcome = SignInOutcome.Failed;
            if (user.FailedSignIns >= lockout.MaxFailedSignIns)
            {
                user.FailedSignIns = 0;
                user.LockedOutUntil = now + lockout.Duration;
                outcome = SignInOutcome.LockedOut;
            }

            await SaveSignInAsync(catalog, cancellationToken);
            return (outcome, user);
        }

        user.FailedSignIns = 0;
        user.LockedOutUntil = null;
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = Hasher.HashPassword(user, password);
        }

        // An admin's change (disable, new password) saved in between wins: this sign-in is refused and may be retried.
        return await SaveSignInAsync(catalog, cancellationToken) ? (SignInOutcome.Succeeded, user) : (SignInOutcome.Failed, user);
    }

    /// <summary>Saves sign-in bookkeeping; false when the account changed since it was read (its version moved on).</summary>
    private static async Task<bool> SaveSignInAsync(CatalogDbContext catalog, CancellationToken cancellationToken)
    {
        try
        {
            await catalog.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    public async Task<UserAccount?> FindAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext catalog = openCatalog();
        return await catalog.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
    }

    public async Task<IReadOnlyList<UserAccount>> ListAsync(string communityId, CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext catalog = openCatalog();
        return await catalog.Users.AsNoTracking().Where(u => u.CommunityId == communityId).OrderBy(u => u.Id).ToListAsync(cancellationToken);
    }

    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext catalog = openCatalog();
        return await catalog.Users.AnyAsync(cancellationToken);
    }

    /// <summary>Adds a user; the caller has checked the password against <see cref="PasswordPolicy"/>. False when the id is taken.</summary>
    public async Task<bool> CreateAsync(NewUser newUser, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newUser);
        await using CatalogDbContext catalog = openCatalog();
        if (await catalog.Users.AnyAsync(u => u.Id == newUser.Id, cancellationToken))
        {
            return false;
        }

        var user = new UserAccount
        {
            Id = newUser.Id,
            DisplayName = newUser.DisplayName,
            Role = newUser.Role,
            CommunityId = newUser.CommunityId,
            InstitutionId = newUser.InstitutionId,
            PasswordHash = string.Empty,
            CreatedAt = clock.GetUtcNow(),
        };
        user.PasswordHash = Hasher.HashPassword(user, newUser.Password);
        catalog.Users.Add(user);
        try
        {
            await catalog.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            return false; // created concurrently under the same id
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the account and advances its version, provided it is still at
    /// <paramref name="expectedVersion"/> (null: any) when saved: the version is a concurrency token, so a change made
    /// in between is <see cref="UserChangeOutcome.Stale"/> rather than overwritten. Returns the account as saved.
    /// </summary>
    public async Task<(UserChangeOutcome Outcome, UserAccount? User)> ChangeAsync(string userId, int? expectedVersion, Action<UserAccount> change,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using CatalogDbContext catalog = openCatalog();
        UserAccount? user = await catalog.Users.FindAsync([userId], cancellationToken);
        if (user is null)
        {
            return (UserChangeOutcome.NotFound, null);
        }

        if (expectedVersion is { } expected)
        {
            if (user.Version != expected)
            {
                return (UserChangeOutcome.Stale, user);
            }

            catalog.Entry(user).Property(u => u.Version).OriginalValue = expected;
        }

        change(user);
        user.Version++;
        try
        {
            await catalog.SaveChangesAsync(cancellationToken);
            return (UserChangeOutcome.Changed, user);
        }
        catch (DbUpdateConcurrencyException)
        {
            return (UserChangeOutcome.Stale, await FindAsync(userId, CancellationToken.None));
        }
    }

    /// <summary>Sets a new password (the caller has checked it against <see cref="PasswordPolicy"/>) and lifts a lockout.</summary>
    public static void SetPassword(UserAccount user, string password)
    {
        ArgumentNullException.ThrowIfNull(user);
        user.PasswordHash = Hasher.HashPassword(user, password);
        user.FailedSignIns = 0;
        user.LockedOutUntil = null;
    }

    /// <summary>Makes a token for the user and returns it: the only time the token itself exists outside its owner.</summary>
    public async Task<(ApiToken Token, string Secret)> IssueTokenAsync(string userId, string name, string createdBy, CancellationToken cancellationToken = default)
    {
        string secret = "tm_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var token = new ApiToken
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            Name = name,
            TokenHash = HashToken(secret),
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = createdBy,
        };
        await using CatalogDbContext catalog = openCatalog();
        catalog.ApiTokens.Add(token);
        await catalog.SaveChangesAsync(cancellationToken);
        return (token, secret);
    }

    /// <summary>The enabled user a live token belongs to, or null.</summary>
    public async Task<UserAccount?> FindByTokenAsync(string secret, CancellationToken cancellationToken = default)
    {
        string hash = HashToken(secret);
        await using CatalogDbContext catalog = openCatalog();
        return await catalog.ApiTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash && t.RevokedAt == null)
            .Join(catalog.Users.AsNoTracking(), t => t.UserId, u => u.Id, (t, u) => u)
            .Where(u => u.Enabled)
            .FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<ApiToken?> FindTokenAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext catalog = openCatalog();
        return await catalog.ApiTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
    }

    public async Task<IReadOnlyList<ApiToken>> ListTokensAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext catalog = openCatalog();
        return await catalog.ApiTokens.AsNoTracking().Where(t => t.UserId == userId).OrderBy(t => t.Name).ToListAsync(cancellationToken);
    }

    public async Task RevokeTokenAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext catalog = openCatalog();
        ApiToken? token = await catalog.ApiTokens.FindAsync([id], cancellationToken);
        if (token is not null && token.RevokedAt is null)
        {
            token.RevokedAt = clock.GetUtcNow();
            await catalog.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Revokes every live token of a user (an admin reset assumes the old credentials may be in other hands); returns how many.</summary>
    public async Task<int> RevokeAllTokensAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext catalog = openCatalog();
        List<ApiToken> live = await catalog.ApiTokens.Where(t => t.UserId == userId && t.RevokedAt == null).ToListAsync(cancellationToken);
        DateTimeOffset now = clock.GetUtcNow();
        foreach (ApiToken token in live)
        {
            token.RevokedAt = now;
        }

        await catalog.SaveChangesAsync(cancellationToken);
        return live.Count;
    }

    /// <summary>SHA-256 of the token's UTF-8 bytes, lowercase hex: tokens are 256-bit random, so no salt or stretching is needed.</summary>
    public static string HashToken(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
