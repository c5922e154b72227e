using Microsoft.EntityFrameworkCore;
using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Storage.Catalog;

namespace Telemed.ConsultHub.DicomWeb;

/// <summary>
/// Finds the instances a WADO-RS path names (latest version of each) and applies the caller's scope the way /api
/// does for a case: nothing there is 404, something there the caller may not read is 403 (audited as denied).
/// </summary>
internal static class DicomWebInstances
{
    public static async Task<(List<StoredInstance> Instances, IResult? Refusal)> LocateAsync(HttpContext http, CatalogDbContext catalog,
        string study, string? series, string? instance, string action, AuditTrail audit, IInstitutionDirectory institutions)
    {
        IQueryable<StoredInstance> all = catalog.Instances;
        IQueryable<StoredInstance> rows = catalog.Instances.AsNoTracking().Where(i => i.StudyInstanceUid == study);
        if (series is not null)
        {
            rows = rows.Where(i => i.SeriesInstanceUid == series);
        }

        if (instance is not null)
        {
            rows = rows.Where(i => i.SopInstanceUid == instance);
        }

        List<StoredInstance> found = await rows
            .Where(i => !all.Any(newer => newer.SopInstanceUid == i.SopInstanceUid && newer.Version > i.Version))
            .OrderBy(i => i.SeriesNumber).ThenBy(i => i.SeriesInstanceUid).ThenBy(i => i.InstanceNumber).ThenBy(i => i.Id)
            .ToListAsync(http.RequestAborted);
        string resource = "dicomweb" + http.Request.Path.Value?["/dicomweb".Length..];
        if (found.Count == 0)
        {
            return ([], Results.Problem($"no {(instance is not null ? "instance" : series is not null ? "series" : "study")} {instance ?? series ?? study} here", statusCode: StatusCodes.Status404NotFound));
        }

        AccessScope scope = http.Scope();
        var readable = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (string institution in found.Select(i => i.InstitutionId ?? "").Distinct())
        {
            readable[institution] = institution.Length > 0 && await scope.CanReadPatientDataOfAsync(institution);
        }

        List<StoredInstance> allowed = found.Where(i => readable[i.InstitutionId ?? ""]).ToList();
        if (allowed.Count == 0)
        {
            string institution = found[0].InstitutionId ?? "";
            await audit.RecordAsync(http, action, resource, found.Select(i => i.PatientId).Distinct(), "denied",
                institution.Length > 0 ? await institutions.CommunityOfAsync(institution) : null);
            return ([], Results.Forbid());
        }

        await audit.RecordAsync(http, action, resource, allowed.Select(i => i.PatientId).Distinct(), "ok");
        return (allowed, null);
    }
}
