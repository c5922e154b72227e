using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Storage.Audit;

namespace Telemed.ConsultHub.Api;

/// <summary>The audit log for the auditors of a community: query with filters, and verify the hash chain.</summary>
internal static class AuditEndpoints
{
    public static void MapAudit(this IEndpointRouteBuilder api)
    {
        RouteGroupBuilder audit = api.MapGroup("/audit").WithTags("Audit");
        audit.MapGet("/", QueryAsync).WithSummary("The caller's community's audit entries, newest first; filters: user, patient, from, to, limit");
        audit.MapGet("/verify", VerifyAsync).WithSummary("Walks the whole hash chain up to the audit head and names the first entry that does not fit, including newest entries deleted from the end");
    }

    private static async Task<IResult> QueryAsync(string? user, string? patient, DateTimeOffset? from, DateTimeOffset? to, int? limit,
        HttpContext http, AuditLog log, AuditTrail trail)
    {
        AccessScope scope = http.Scope();
        if (!scope.CanReadAudit(scope.Caller.CommunityId))
        {
            return Results.Forbid();
        }

        IReadOnlyList<AuditEntry> entries = await log.QueryAsync(
            new AuditQuery(scope.Caller.CommunityId, user, patient, from, to, limit ?? 500), http.RequestAborted);
        // Reading the log is recorded too (after the query, so the reader's own entry is not in their answer).
        await trail.RecordForAsync(http, scope.Caller.UserId, scope.Caller.CommunityId, "audit.read", "audit", "ok");
        return Results.Ok(entries);
    }

    private static async Task<IResult> VerifyAsync(HttpContext http, AuditLog log)
    {
        AccessScope scope = http.Scope();
        return scope.CanReadAudit(scope.Caller.CommunityId) ? Results.Ok(await log.VerifyAsync(http.RequestAborted)) : Results.Forbid();
    }
}
