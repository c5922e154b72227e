using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Cases;

namespace Telemed.ConsultHub.Api;

/// <summary>Cases: patient data, so every read — allowed or not — is written to the audit log.</summary>
internal static class CaseEndpoints
{
    public static void MapCases(this IEndpointRouteBuilder api)
    {
        RouteGroupBuilder cases = api.MapGroup("/cases").WithTags("Cases");
        cases.MapGet("/{id:guid}", GetAsync).WithSummary("One case with its history (audited)");
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, IGrainFactory grains, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        string resource = $"case/{id}";
        CaseView view;
        try
        {
            view = await grains.GetGrain<ICaseGrain>(id).GetAsync();
        }
        catch (KeyNotFoundException)
        {
            await audit.RecordAsync(http, "case.read", resource, (string?)null, "not-found");
            return Results.Problem(statusCode: 404, title: $"no case {id}");
        }

        if (!scope.CanReadCase(view))
        {
            await audit.RecordAsync(http, "case.read", resource, view.PatientId, "denied", view.CommunityId);
            return Results.Forbid();
        }

        await audit.RecordAsync(http, "case.read", resource, view.PatientId, "ok");
        return Results.Ok(view);
    }
}
