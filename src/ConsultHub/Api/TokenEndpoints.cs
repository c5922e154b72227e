using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Storage.Accounts;

namespace Telemed.ConsultHub.Api;

/// <summary>API tokens for the CLI and devices: issued by the user for themselves or by their community's admin.</summary>
internal static class TokenEndpoints
{
    public static void MapTokens(this IEndpointRouteBuilder api)
    {
        RouteGroupBuilder tokens = api.MapGroup("/tokens").WithTags("Tokens");
        tokens.MapPost("/", IssueAsync).WithSummary("Issues a bearer token; the token is in this response only");
        tokens.MapGet("/", ListAsync);
        tokens.MapDelete("/{id:guid}", RevokeAsync);
    }

    private static async Task<IResult> IssueAsync(TokenRequest request, HttpContext http, UserDirectory users, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        string userId = request.User ?? scope.Caller.UserId;
        UserAccount? user = await users.FindAsync(userId, http.RequestAborted);
        if (user is null || !scope.CanIssueTokenFor(user))
        {
            // Unknown and out-of-scope users look the same from outside the community.
            return user is null && scope.IsAdmin ? Results.Problem(statusCode: 404, title: $"no user {userId}") : Results.Forbid();
        }

        string name = string.IsNullOrWhiteSpace(request.Name) ? "token" : request.Name.Trim();
        if (name.Length > 128)
        {
            return Results.Problem(statusCode: 400, title: "a token name has at most 128 characters");
        }

        (ApiToken token, string secret) = await users.IssueTokenAsync(user.Id, name, scope.Caller.UserId, http.RequestAborted);
        await audit.RecordForAsync(http, scope.Caller.UserId, scope.Caller.CommunityId, "token.issue", $"user/{user.Id}/token/{token.Id}", "ok");
        return Results.Created($"/api/tokens/{token.Id}", new IssuedToken(token.Id, token.UserId, token.Name, secret));
    }

    private static async Task<IResult> ListAsync(string? user, HttpContext http, UserDirectory users)
    {
        AccessScope scope = http.Scope();
        UserAccount? owner = await users.FindAsync(user ?? scope.Caller.UserId, http.RequestAborted);
        if (owner is null || !scope.CanIssueTokenFor(owner))
        {
            return Results.Forbid();
        }

        IReadOnlyList<ApiToken> tokens = await users.ListTokensAsync(owner.Id, http.RequestAborted);
        return Results.Ok(tokens.Select(t => new TokenInfo(t.Id, t.UserId, t.Name, t.CreatedAt, t.CreatedBy, t.RevokedAt)));
    }

    private static async Task<IResult> RevokeAsync(Guid id, HttpContext http, UserDirectory users, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        ApiToken? token = await users.FindTokenAsync(id, http.RequestAborted);
        UserAccount? owner = token is null ? null : await users.FindAsync(token.UserId, http.RequestAborted);
        if (token is null || owner is null || !scope.CanIssueTokenFor(owner))
        {
            return Results.Problem(statusCode: 404, title: "no such token");
        }

        await users.RevokeTokenAsync(id, http.RequestAborted);
        await audit.RecordForAsync(http, scope.Caller.UserId, scope.Caller.CommunityId, "token.revoke", $"user/{owner.Id}/token/{id}", "ok");
        return Results.NoContent();
    }
}

internal sealed record TokenRequest(string? Name, string? User);

internal sealed record IssuedToken(Guid Id, string User, string Name, string Token);

internal sealed record TokenInfo(Guid Id, string User, string Name, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt);
