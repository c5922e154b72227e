using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Readers;

namespace Telemed.ConsultHub.Api;

/// <summary>A reader's own worklist (audited: it names patients).</summary>
internal static class WorklistEndpoints
{
    public static void MapWorklist(this IEndpointRouteBuilder api)
    {
        api.MapGet("/worklist", GetAsync).WithTags("Worklist").WithSummary("The signed-in reader's open cases, Stat first (audited)");
    }

    private static async Task<IResult> GetAsync(HttpContext http, IGrainFactory grains, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        string resource = $"worklist/{scope.Caller.UserId}";
        if (!scope.IsReader)
        {
            await audit.RecordAsync(http, "worklist.read", resource, (string?)null, "denied");
            return Results.Forbid();
        }

        IReadOnlyList<WorklistEntry> entries = await grains.GetGrain<IReaderGrain>(scope.Caller.UserId).GetWorklistAsync();
        await audit.RecordAsync(http, "worklist.read", resource, entries.Select(e => e.PatientId), "ok");
        return Results.Ok(entries);
    }
}
