using Microsoft.EntityFrameworkCore;
using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.ConsultHub.Ecgs;
using Telemed.Dicom;
using Telemed.Ecg.Analysis;
using Telemed.Storage.Blobs;
using Telemed.Storage.Catalog;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// An ECG for viewers: GET /api/ecgs/{sopInstanceUid} gives the stored waveform's leads in microvolts, the detected
/// beats, the measurements and the flags with their evidence (<see cref="EcgView"/>), analysed by the same pipeline as
/// at ingest (Telemed.Ecg's EcgAnalyzer). Optional ?from=&amp;to= (seconds) returns a window of the samples, beats and
/// evidence; measurements and flags are always those of the whole recording. Scope as for studies: the instance's
/// institution's staff and its community's readers; every read and refusal is audited.
/// </summary>
internal static class EcgEndpoints
{
    public static void MapEcgs(this IEndpointRouteBuilder api)
    {
        api.MapGet("/ecgs/{sopInstanceUid}", GetAsync).WithTags("ECGs")
            .WithSummary("An ECG waveform as JSON: leads in µV, beats, heart rate, measurements, flags with evidence (audited)");
    }

    private static async Task<IResult> GetAsync(string sopInstanceUid, double? from, double? to, HttpContext http,
        Func<CatalogDbContext> openCatalog, IInstitutionDirectory institutions, AuditTrail audit, EcgAnalysisCache analyses)
    {
        AccessScope scope = http.Scope();
        string resource = $"ecg/{sopInstanceUid}";
        StoredInstance? instance;
        await using (CatalogDbContext catalog = openCatalog())
        {
            // The newest version: a device that sent corrected bytes under the same UID means those.
            instance = await catalog.Instances.AsNoTracking().Where(i => i.SopInstanceUid == sopInstanceUid)
                .OrderByDescending(i => i.Version).FirstOrDefaultAsync(http.RequestAborted);
        }

        if (instance is null)
        {
            await audit.RecordAsync(http, "ecgs.read", resource, (string?)null, "not-found");
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"no instance {sopInstanceUid}");
        }

        if (instance.InstitutionId is not string institution || !await scope.CanReadPatientDataOfAsync(institution))
        {
            await audit.RecordAsync(http, "ecgs.read", resource, instance.PatientId, "denied",
                instance.InstitutionId is null ? null : await institutions.CommunityOfAsync(instance.InstitutionId));
            return Results.Forbid();
        }

        if (from is < 0 || to is < 0 || (from, to) is (double f, double t) && t <= f || from is double.NaN || to is double.NaN)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "bad window",
                detail: "from and to are seconds from the start of the recording, 0 ≤ from < to");
        }

        EcgAnalysis? analysis;
        try
        {
            analysis = await analyses.GetAsync(BlobHash.Parse(instance.BlobHash), sopInstanceUid, http.RequestAborted);
        }
        catch (FileNotFoundException)
        {
            await audit.RecordAsync(http, "ecgs.read", resource, instance.PatientId, "not-found");
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "the instance's bytes are not in the blob store",
                detail: $"blob {instance.BlobHash} is missing");
        }
        catch (Exception e) when (e is DicomException or ArgumentException or InvalidOperationException or FormatException)
        {
            await audit.RecordAsync(http, "ecgs.read", resource, instance.PatientId, "unreadable");
            return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "the waveform cannot be read", detail: e.Message);
        }

        if (analysis is null)
        {
            await audit.RecordAsync(http, "ecgs.read", resource, instance.PatientId, "not-found");
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{sopInstanceUid} is not an ECG",
                detail: $"the instance is {instance.Modality ?? "an object"} of SOP class {instance.SopClassUid}, not an ECG waveform");
        }

        await audit.RecordAsync(http, "ecgs.read", resource, instance.PatientId, "ok");
        return Results.Ok(EcgView.From(instance, analysis, from, to));
    }
}
