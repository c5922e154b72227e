using System.Globalization;
using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Cases;
using Telemed.Storage.Cases;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// GET /api/dashboard: the service a community's institutions received in a period — volumes, turnaround, SLA
/// compliance — from the catalog's case projection. Aggregates only, no patient data, so besides admins and auditors
/// (their community, or one institution of it) readers may see their community's (the reading centre reviews its own
/// turnaround); staff see their own institution's. Another community's institution is 403. Audited (no patient).
/// </summary>
internal static class DashboardEndpoints
{
    private static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(30);
    private static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(366);

    public static void MapDashboard(this IEndpointRouteBuilder api)
    {
        api.MapGet("/dashboard", GetAsync).WithTags("Dashboard")
            .WithSummary("Service per institution for cases opened in [from, to) (default the last 30 days): volumes by kind, priority and status; turnaround request → assigned → signed (median, p90 minutes); SLA compliance per priority (audited)");
    }

    private static async Task<IResult> GetAsync(string? institution, DateTimeOffset? from, DateTimeOffset? to,
        HttpContext http, CaseCatalog catalog, IInstitutionDirectory institutions, AuditTrail audit, TimeProvider clock)
    {
        AccessScope scope = http.Scope();
        DateTimeOffset now = clock.GetUtcNow();
        DateTimeOffset end = to ?? now;
        DateTimeOffset start = from ?? end - DefaultPeriod;
        if (start >= end || end - start > MaxPeriod)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["from"] = [$"before to, and at most {MaxPeriod.TotalDays.ToString(CultureInfo.InvariantCulture)} days before it"],
            });
        }

        // Staff: their own institution whether named or not; everyone else: the community, or one institution of it.
        string? institutionId = scope.IsStaff ? institution ?? scope.Caller.InstitutionId : institution;
        string resource = $"dashboard/{institutionId ?? scope.Caller.CommunityId}";
        if (institutionId is not null && !await scope.CanSeeInstitutionAsync(institutionId))
        {
            await audit.RecordAsync(http, "dashboard.read", resource, (string?)null, "denied", await institutions.CommunityOfAsync(institutionId));
            return Results.Forbid();
        }

        ServiceDashboard dashboard = await catalog.DashboardAsync(scope.Caller.CommunityId, institutionId, start, end, now,
            Enum.GetNames<CasePriority>(), http.RequestAborted);
        await audit.RecordAsync(http, "dashboard.read", resource, (string?)null, "ok");
        return Results.Ok(dashboard);
    }
}
