using Microsoft.EntityFrameworkCore;
using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Storage.Catalog;

namespace Telemed.ConsultHub.Api;

/// <summary>Studies an institution's devices sent, from the catalog (audited: one entry per patient listed).</summary>
internal static class StudyEndpoints
{
    public static void MapStudies(this IEndpointRouteBuilder api)
    {
        api.MapGet("/studies", ListAsync).WithTags("Studies").WithSummary("Studies received from one institution (audited)");
    }

    private static async Task<IResult> ListAsync(string? institution, HttpContext http, Func<CatalogDbContext> openCatalog, IInstitutionDirectory institutions, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        string institutionId = institution ?? scope.Caller.InstitutionId;
        string resource = $"institution/{institutionId}/studies";
        if (!await scope.CanReadPatientDataOfAsync(institutionId))
        {
            await audit.RecordAsync(http, "studies.list", resource, (string?)null, "denied", await institutions.CommunityOfAsync(institutionId));
            return Results.Forbid();
        }

        await using CatalogDbContext catalog = openCatalog();
        List<StudySummary> studies = (await catalog.Instances.AsNoTracking()
                .Where(i => i.InstitutionId == institutionId)
                .Select(i => new { i.StudyInstanceUid, i.PatientId, i.PatientName, i.Modality, i.StudyDate, i.SopInstanceUid })
                .ToListAsync(http.RequestAborted))
            .GroupBy(i => i.StudyInstanceUid)
            .Select(g => new StudySummary(g.Key, g.First().PatientId, g.First().PatientName, g.First().Modality, g.First().StudyDate,
                g.Select(i => i.SopInstanceUid).Distinct().Count()))
            .OrderByDescending(s => s.StudyDate)
            .ToList();
        await audit.RecordAsync(http, "studies.list", resource, studies.Select(s => s.PatientId), "ok");
        return Results.Ok(studies);
    }
}

internal sealed record StudySummary(string StudyInstanceUid, string? PatientId, string? PatientName, string? Modality, string? StudyDate, int Instances);
