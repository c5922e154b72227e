using System.Security.Claims;
using Telemed.Storage.Accounts;

namespace Telemed.ConsultHub.Auth;

/// <summary>The signed-in user as the API sees them: who, in which role, where.</summary>
public sealed record Caller(string UserId, UserRole Role, string CommunityId, string InstitutionId)
{
    public static Caller From(UserAccount user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new Caller(user.Id, user.Role, user.CommunityId, user.InstitutionId);
    }

    /// <summary>The caller of an authenticated request; null when the principal is not one of ours.</summary>
    public static Caller? From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        string? id = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        string? role = principal.FindFirstValue(ClaimTypes.Role);
        string? community = principal.FindFirstValue(TelemedClaims.Community);
        string? institution = principal.FindFirstValue(TelemedClaims.Institution);
        return principal.Identity?.IsAuthenticated == true && id is not null && community is not null && institution is not null
            && Enum.TryParse(role, out UserRole parsed)
            ? new Caller(id, parsed, community, institution)
            : null;
    }

    public ClaimsPrincipal ToPrincipal(string scheme, string method) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, UserId),
        new Claim(ClaimTypes.Name, UserId),
        new Claim(ClaimTypes.Role, Role.ToString()),
        new Claim(TelemedClaims.Community, CommunityId),
        new Claim(TelemedClaims.Institution, InstitutionId),
        new Claim(TelemedClaims.Method, method),
    ], scheme, ClaimTypes.Name, ClaimTypes.Role));
}
