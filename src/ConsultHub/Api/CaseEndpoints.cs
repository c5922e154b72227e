using Microsoft.EntityFrameworkCore;
using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Storage.Catalog;
using Telemed.Storage.Patients;

namespace Telemed.ConsultHub.Api;

/// <summary>Cases: patient data, so every read or change — allowed or not — is written to the audit log.</summary>
internal static class CaseEndpoints
{
    private const int MaxQuestionLength = 4000;

    public static void MapCases(this IEndpointRouteBuilder api)
    {
        RouteGroupBuilder cases = api.MapGroup("/cases").WithTags("Cases");
        cases.MapPost("/", OpenAsync).WithSummary("Opens a read or consultation request for the caller's institution (staff; audited)");
        cases.MapGet("/{id:guid}", GetAsync).WithSummary("One case with its history; the ETag (the history's length) is what accept, reassign and cancel may name in If-Match (audited)");
        cases.MapCaseList();
        cases.MapCaseActions();
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, IGrainFactory grains, AuditTrail audit)
    {
        (CaseView? view, IResult? refusal) = await CaseAccess.LoadAsync(http, grains, audit, id, "case.read", (scope, c) => scope.CanReadCase(c));
        if (view is null)
        {
            return refusal!;
        }

        await audit.RecordAsync(http, "case.read", CaseAccess.Resource(id), view.PatientId, "ok");
        http.Response.Headers.ETag = CaseETag.Of(view);
        return Results.Ok(view);
    }

    /// <summary>
    /// Village doctors and township staff ask for a read for their own institution; the case goes to routing like an
    /// ingested one (CaseGrain.OpenAsync), so it reaches an on-duty reader of the specialty by the same rules.
    /// </summary>
    private static async Task<IResult> OpenAsync(OpenCaseRequest request, HttpContext http, IGrainFactory grains, AuditTrail audit, Func<CatalogDbContext> openCatalog, PatientDirectory patients)
    {
        AccessScope scope = http.Scope();
        string institution = scope.Caller.InstitutionId;
        string resource = $"institution/{institution}/cases";
        if (!scope.IsStaff || !await scope.CanReadPatientDataOfAsync(institution))
        {
            await audit.RecordAsync(http, "case.open", resource, request.PatientId, "denied");
            return Results.Forbid();
        }

        var errors = new Dictionary<string, string[]>();
        if (request.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            errors["kind"] = [$"one of {string.Join(", ", Enum.GetNames<CaseKind>())}"];
        }

        if (request.Priority is not { } priority || !Enum.IsDefined(priority))
        {
            errors["priority"] = [$"one of {string.Join(", ", Enum.GetNames<CasePriority>())}"];
        }

        if (request.Specialty is { } specialty && !Enum.IsDefined(specialty))
        {
            errors["specialty"] = [$"one of {string.Join(", ", Enum.GetNames<Specialty>())}"];
        }

        if (string.IsNullOrWhiteSpace(request.Question) || request.Question.Length > MaxQuestionLength)
        {
            errors["question"] = [$"the clinical question, 1–{MaxQuestionLength} characters"];
        }

        if (string.IsNullOrWhiteSpace(request.PatientId))
        {
            errors["patientId"] = ["the patient the case is about"];
        }
        else if (PatientDirectory.IsCommunityPatientId(request.PatientId.Trim())
            && !await patients.ExistsAsync(request.PatientId.Trim(), scope.Caller.CommunityId, http.RequestAborted))
        {
            // A community-wide id must name a patient of the caller's community; anything else is the institution's
            // own (local) patient id, as devices send it.
            errors["patientId"] = [$"{request.PatientId.Trim()} is not a patient of community {scope.Caller.CommunityId}"];
        }

        string[] studies = [.. (request.StudyInstanceUids ?? []).Distinct(StringComparer.Ordinal)];
        if (studies.Length > 0)
        {
            // Only studies this institution sent can be linked: a uid of another institution would leak its images.
            await using CatalogDbContext catalog = openCatalog();
            List<string> own = await catalog.Instances.AsNoTracking()
                .Where(i => studies.Contains(i.StudyInstanceUid) && i.InstitutionId == institution)
                .Select(i => i.StudyInstanceUid).Distinct().ToListAsync(http.RequestAborted);
            string[] unknown = [.. studies.Except(own, StringComparer.Ordinal)];
            if (unknown.Length > 0)
            {
                errors["studyInstanceUids"] = [$"not studies of {institution}: {string.Join(", ", unknown)}"];
            }
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        var id = Guid.NewGuid();
        CaseView view = await grains.GetGrain<ICaseGrain>(id).OpenAsync(new CaseRequest(
            scope.Caller.CommunityId, request.Kind!.Value, request.Priority!.Value, request.Question!.Trim(), institution,
            scope.Caller.UserId, request.PatientId!.Trim(), studies, request.Specialty));
        await audit.RecordAsync(http, "case.open", CaseAccess.Resource(id), view.PatientId, "ok");
        http.Response.Headers.ETag = CaseETag.Of(view);
        return Results.Created($"/api/cases/{id}", view);
    }
}

/// <summary>A read or consultation request; the specialty defaults from the kind (ECG → cardiology, imaging → radiology).</summary>
internal sealed record OpenCaseRequest(
    string? PatientId, CaseKind? Kind, CasePriority? Priority, Specialty? Specialty, string? Question, IReadOnlyList<string>? StudyInstanceUids);
