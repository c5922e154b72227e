using Microsoft.AspNetCore.Authentication;
using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Storage.Accounts;

namespace Telemed.ConsultHub.Api;

/// <summary>Sign-in with a password (cookie), sign-out, and who the caller is.</summary>
internal static class AuthEndpoints
{
    public static void MapAuth(this IEndpointRouteBuilder api)
    {
        RouteGroupBuilder auth = api.MapGroup("/auth").WithTags("Sign-in");
        auth.MapPost("/login", LoginAsync).AllowAnonymous().RequireRateLimiting(SignInRateLimit.Policy)
            .WithSummary("Checks the password and sets the HttpOnly, SameSite=Strict session cookie; attempts per remote address are limited (429 with Retry-After)");
        auth.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(TelemedAuth.CookieScheme);
            return Results.NoContent();
        }).AllowAnonymous();
        api.MapGet("/me", (HttpContext http, UserDirectory users) => MeAsync(http, users)).WithTags("Sign-in");
    }

    private static async Task<IResult> LoginAsync(LoginRequest request, HttpContext http, UserDirectory users, AuditTrail audit)
    {
        if (string.IsNullOrWhiteSpace(request.User) || request.Password is null)
        {
            return Results.Problem(statusCode: 400, title: "user and password are required");
        }

        (SignInOutcome outcome, UserAccount? user) = await users.SignInAsync(request.User, request.Password, http.RequestAborted);
        string outcomeText = outcome switch
        {
            SignInOutcome.Succeeded => "ok",
            SignInOutcome.LockedOut => "locked-out",
            _ => "failed",
        };
        await audit.RecordForAsync(http, request.User, user?.CommunityId ?? "-", "auth.login", "user/" + request.User, outcomeText);
        if (outcome != SignInOutcome.Succeeded || user is null)
        {
            // The same answer for an unknown user, a wrong password and a locked account: nothing to enumerate.
            return Results.Problem(statusCode: 401, title: "Sign-in refused",
                detail: "wrong user name or password, or the account is locked for a while after repeated failures");
        }

        var caller = Caller.From(user);
        await http.SignInAsync(TelemedAuth.CookieScheme, caller.ToPrincipal(TelemedAuth.CookieScheme, "password"));
        return Results.Ok(Me.From(user, "password"));
    }

    private static async Task<IResult> MeAsync(HttpContext http, UserDirectory users)
    {
        AccessScope scope = http.Scope();
        UserAccount? user = await users.FindAsync(scope.Caller.UserId, http.RequestAborted);
        return user is null
            ? Results.Problem(statusCode: 401, title: "the signed-in user no longer exists")
            : Results.Ok(Me.From(user, http.User.FindFirst(TelemedClaims.Method)?.Value ?? "?"));
    }
}

internal sealed record LoginRequest(string? User, string? Password);

internal sealed record Me(string Id, string DisplayName, UserRole Role, string CommunityId, string InstitutionId, string AuthenticatedBy)
{
    public static Me From(UserAccount user, string method) => new(user.Id, user.DisplayName, user.Role, user.CommunityId, user.InstitutionId, method);
}
