using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Storage.Patients;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// The community patient index: one community-wide id per patient, and the local id each institution knows them by.
/// Patient data, so every read and change — allowed or not — is written to the audit log.
/// </summary>
internal static class PatientEndpoints
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 200;

    public static void MapPatients(this IEndpointRouteBuilder api)
    {
        RouteGroupBuilder patients = api.MapGroup("/patients").WithTags("Patients");
        patients.MapPost("/", RegisterAsync)
            .WithSummary("Registers a patient under the caller institution's local id (staff, admins; 409 with the existing patient's id when the local id is taken; audited)");
        patients.MapGet("/", SearchAsync)
            .WithSummary("Searches the caller's community patients by name part (any script), local id and institution (staff: their institution's patients; audited per patient)");
        patients.MapGet("/{id}", GetAsync).WithSummary("One patient with its local ids and ETag (audited)");
        patients.MapPut("/{id}", UpdateAsync).WithSummary("Edits name, sex and birth date; If-Match required (412 stale, 428 missing; staff of a linked institution, admins; audited)");
        patients.MapPost("/{id}/identifiers", LinkAsync)
            .WithSummary("Links the caller institution's local id to the patient (staff, admins; 409 when it names another patient; audited)");
        patients.MapPost("/{id}/merge", MergeAsync)
            .WithSummary("Merges a duplicate into another patient of the community: its local ids move there (admins; If-Match of the duplicate; audited)");
    }

    private static async Task<IResult> RegisterAsync(RegisterPatientRequest request, HttpContext http, PatientDirectory directory, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        string institution = scope.Caller.InstitutionId;
        string resource = $"institution/{institution}/patients";
        if (!PatientAccess.CanRegister(scope))
        {
            await audit.RecordAsync(http, "patient.register", resource, (string?)null, "denied");
            return Results.Forbid();
        }

        Dictionary<string, string[]> errors = Validate(request.Name, request.Sex, request.BirthDate);
        if (LocalIdProblem(request.LocalId) is { } localProblem)
        {
            errors["localId"] = [localProblem];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        PatientResolution resolution = await directory.ResolveAsync(scope.Caller.CommunityId, institution, request.LocalId!.Trim(),
            new PatientDetails(request.Name!, Sex(request.Sex), request.BirthDate), http.RequestAborted);
        Patient patient = resolution.Patient;
        if (!resolution.Created)
        {
            // No second patient for one local id: the client gets the one that exists, to use or to correct.
            await audit.RecordAsync(http, "patient.register", PatientAccess.Resource(patient.Id), patient.Id, "conflict");
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "the local id is registered",
                detail: $"{institution}'s local id {request.LocalId!.Trim()} already names patient {patient.Id}",
                extensions: new Dictionary<string, object?> { ["patientId"] = patient.Id });
        }

        await audit.RecordAsync(http, "patient.register", PatientAccess.Resource(patient.Id), patient.Id, "ok");
        http.Response.Headers.ETag = RevisionETag.Of(patient.Version);
        return Results.Created($"/api/patients/{patient.Id}", PatientView.From(patient, scope));
    }

    private static async Task<IResult> SearchAsync(
        string? name, string? localId, string? institution, int? limit, int? offset,
        HttpContext http, PatientDirectory directory, IInstitutionDirectory institutions, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        string resource = $"community/{scope.Caller.CommunityId}/patients";
        bool allowed = institution is null
            ? scope.IsStaff || scope.IsReader || scope.IsAdmin || scope.IsAuditor
            : scope.IsStaff ? institution == scope.Caller.InstitutionId : await institutions.CommunityOfAsync(institution) == scope.Caller.CommunityId;
        if (!allowed)
        {
            await audit.RecordAsync(http, "patient.search", resource, (string?)null, "denied",
                institution is null ? null : await institutions.CommunityOfAsync(institution));
            return Results.Forbid();
        }

        if (limit is < 1 or > MaxLimit || offset is < 0)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit 1–{MaxLimit}, offset ≥ 0"] });
        }

        IReadOnlyList<Patient> found = await directory.SearchAsync(new PatientSearch(
            scope.Caller.CommunityId,
            VisibleAt: scope.IsStaff ? scope.Caller.InstitutionId : null,
            InstitutionId: institution,
            Name: name,
            LocalId: string.IsNullOrWhiteSpace(localId) ? null : localId.Trim(),
            Limit: limit ?? DefaultLimit,
            Offset: offset ?? 0), http.RequestAborted);
        await audit.RecordAsync(http, "patient.search", resource, found.Select(p => p.Id), "ok");
        return Results.Ok(found.Select(p => PatientView.From(p, scope)));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, PatientDirectory directory, AuditTrail audit)
    {
        (Patient? patient, IResult? refusal) = await LoadAsync(id, http, directory, audit, "patient.read", PatientAccess.CanSee);
        if (patient is null)
        {
            return refusal!;
        }

        await audit.RecordAsync(http, "patient.read", PatientAccess.Resource(id), id, "ok");
        http.Response.Headers.ETag = RevisionETag.Of(patient.Version);
        return Results.Ok(PatientView.From(patient, http.Scope()));
    }

    private static async Task<IResult> UpdateAsync(string id, UpdatePatientRequest request, HttpContext http, PatientDirectory directory, AuditTrail audit)
    {
        (Patient? current, IResult? refusal) = await LoadAsync(id, http, directory, audit, "patient.update", PatientAccess.CanEdit);
        if (current is null)
        {
            return refusal!;
        }

        (int? expected, IResult? failure) = RevisionETag.Precondition(http.Request, current.Version, "patient");
        if (failure is not null)
        {
            await audit.RecordAsync(http, "patient.update", PatientAccess.Resource(id), id, "precondition-failed");
            return failure;
        }

        Dictionary<string, string[]> errors = Validate(request.Name, request.Sex, request.BirthDate);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        PatientChange change = await directory.UpdateAsync(id, expected, new PatientDetails(request.Name!, Sex(request.Sex), request.BirthDate), http.RequestAborted);
        if (change.Outcome == PatientChangeOutcome.Merged)
        {
            await audit.RecordAsync(http, "patient.update", PatientAccess.Resource(id), id, "conflict");
            return MergedProblem(change.Patient!);
        }

        if (change.Outcome != PatientChangeOutcome.Changed)
        {
            await audit.RecordAsync(http, "patient.update", PatientAccess.Resource(id), id, "precondition-failed");
            return RevisionETag.Stale("patient", change.Patient is null ? "gone" : RevisionETag.Of(change.Patient.Version));
        }

        await audit.RecordAsync(http, "patient.update", PatientAccess.Resource(id), id, "ok");
        http.Response.Headers.ETag = RevisionETag.Of(change.Patient!.Version);
        return Results.Ok(PatientView.From(change.Patient!, http.Scope()));
    }

    private static async Task<IResult> LinkAsync(string id, LinkPatientRequest request, HttpContext http, PatientDirectory directory, AuditTrail audit)
    {
        (Patient? current, IResult? refusal) = await LoadAsync(id, http, directory, audit, "patient.link", PatientAccess.CanLink);
        if (current is null)
        {
            return refusal!;
        }

        if (LocalIdProblem(request.LocalId) is { } problem)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["localId"] = [problem] });
        }

        AccessScope scope = http.Scope();
        string localId = request.LocalId!.Trim();
        PatientChange change = await directory.LinkAsync(id, scope.Caller.InstitutionId, localId, http.RequestAborted);
        switch (change.Outcome)
        {
            case PatientChangeOutcome.Taken:
                await audit.RecordAsync(http, "patient.link", PatientAccess.Resource(id), id, "conflict");
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "the local id names another patient",
                    detail: $"{scope.Caller.InstitutionId}'s local id {localId} already names patient {change.TakenBy}",
                    extensions: new Dictionary<string, object?> { ["patientId"] = change.TakenBy });
            case PatientChangeOutcome.Merged:
                await audit.RecordAsync(http, "patient.link", PatientAccess.Resource(id), id, "conflict");
                return MergedProblem(change.Patient!);
            case PatientChangeOutcome.NotFound:
                await audit.RecordAsync(http, "patient.link", PatientAccess.Resource(id), (string?)null, "not-found");
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"no patient {id}");
            default:
                await audit.RecordAsync(http, "patient.link", PatientAccess.Resource(id), id, "ok");
                http.Response.Headers.ETag = RevisionETag.Of(change.Patient!.Version);
                PatientView view = PatientView.From(change.Patient!, scope);
                return change.Outcome == PatientChangeOutcome.Changed ? Results.Created($"/api/patients/{id}", view) : Results.Ok(view);
        }
    }

    private static async Task<IResult> MergeAsync(string id, MergePatientRequest request, HttpContext http, PatientDirectory directory, AuditTrail audit)
    {
        (Patient? source, IResult? refusal) = await LoadAsync(id, http, directory, audit, "patient.merge", PatientAccess.CanMerge);
        if (source is null)
        {
            return refusal!;
        }

        (int? expected, IResult? failure) = RevisionETag.Precondition(http.Request, source.Version, "patient");
        if (failure is not null)
        {
            await audit.RecordAsync(http, "patient.merge", PatientAccess.Resource(id), id, "precondition-failed");
            return failure;
        }

        string? targetId = request.IntoPatientId?.Trim();
        Patient? target = string.IsNullOrEmpty(targetId) ? null : await directory.FindAsync(targetId, http.RequestAborted);
        if (target is null || target.CommunityId != source.CommunityId || target.Id == source.Id)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["intoPatientId"] = [$"another patient of community {source.CommunityId} to merge {id} into"],
            });
        }

        PatientChange change = await directory.MergeAsync(id, target.Id, expected, http.RequestAborted);
        switch (change.Outcome)
        {
            case PatientChangeOutcome.Changed:
                await audit.RecordAsync(http, "patient.merge", PatientAccess.Resource(id), [id, target.Id], "ok");
                http.Response.Headers.ETag = RevisionETag.Of(change.Patient!.Version);
                return Results.Ok(PatientView.From(change.Patient!, http.Scope()));
            case PatientChangeOutcome.Merged:
                await audit.RecordAsync(http, "patient.merge", PatientAccess.Resource(id), [id, target.Id], "conflict");
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "already merged",
                    detail: $"{id} or {target.Id} was merged into another patient already");
            default:
                await audit.RecordAsync(http, "patient.merge", PatientAccess.Resource(id), id, "precondition-failed");
                return RevisionETag.Stale("patient", change.Patient is null ? "gone" : RevisionETag.Of(change.Patient.Version));
        }
    }

    private static IResult MergedProblem(Patient patient) =>
        Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "the patient was merged",
            detail: $"{patient.Id} was merged into {patient.MergedIntoId}: change that patient instead",
            extensions: new Dictionary<string, object?> { ["patientId"] = patient.MergedIntoId });

    /// <summary>The patient when <paramref name="allowed"/> says yes, otherwise the 404/403 result (already audited).</summary>
    private static async Task<(Patient? Patient, IResult? Refusal)> LoadAsync(
        string id, HttpContext http, PatientDirectory directory, AuditTrail audit, string action, Func<AccessScope, Patient, bool> allowed)
    {
        Patient? patient = await directory.FindAsync(id, http.RequestAborted);
        if (patient is null)
        {
            await audit.RecordAsync(http, action, PatientAccess.Resource(id), (string?)null, "not-found");
            return (null, Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"no patient {id}"));
        }

        if (!allowed(http.Scope(), patient))
        {
            await audit.RecordAsync(http, action, PatientAccess.Resource(id), id, "denied", patient.CommunityId);
            return (null, Results.Forbid());
        }

        return (patient, null);
    }

    private static Dictionary<string, string[]> Validate(string? name, string? sex, DateOnly? birthDate)
    {
        var errors = new Dictionary<string, string[]>();
        if (PatientName.Problem(name) is { } nameProblem)
        {
            errors["name"] = [nameProblem];
        }

        if (sex is not null && Sex(sex) is null)
        {
            errors["sex"] = ["M, F or O (DICOM Patient's Sex), or absent when unknown"];
        }

        if (birthDate is { } born && (born > DateOnly.FromDateTime(DateTime.UtcNow) || born.Year < 1880))
        {
            errors["birthDate"] = ["a date in the past (yyyy-MM-dd)"];
        }

        return errors;
    }

    /// <summary>DICOM Patient ID (0010,0020) is LO: at most 64 characters, no backslash, no control characters.</summary>
    private static string? LocalIdProblem(string? localId) =>
        string.IsNullOrWhiteSpace(localId) || localId.Trim().Length > 64 || localId.Any(c => char.IsControl(c) || c == '\\')
            ? "the institution's local patient id (DICOM PatientID): 1–64 characters, no backslash"
            : null;

    private static string? Sex(string? sex) => sex?.Trim().ToUpperInvariant() is "M" or "F" or "O" ? sex.Trim().ToUpperInvariant() : null;
}

/// <summary>A patient as the registering institution knows them; <see cref="Name"/> is a DICOM PN ("Wang^Xiaoming=王^小明").</summary>
internal sealed record RegisterPatientRequest(string? LocalId, string? Name, string? Sex, DateOnly? BirthDate);

internal sealed record UpdatePatientRequest(string? Name, string? Sex, DateOnly? BirthDate);

internal sealed record LinkPatientRequest(string? LocalId);

/// <summary>The patient the duplicate (the route's id) is merged into.</summary>
internal sealed record MergePatientRequest(string? IntoPatientId);
