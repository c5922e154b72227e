using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Telemed.ConsultHub.Api;
using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.DeviceGateway.Hosting;
using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Grains.Ingest;
using Telemed.Grains.Reports;
using Telemed.Storage.Blobs;
using Telemed.Storage.Cases;
using Telemed.Storage.Catalog;
using Telemed.Storage.Patients;
using R4 = Hl7.Fhir.Model;

namespace Telemed.ConsultHub.Fhir;

/// <summary>
/// FHIR R4 read API under /fhir (outside /api, as FHIR clients expect a base URL of their own): read of ServiceRequest
/// (a case), ImagingStudy, DiagnosticReport and Patient, search of ServiceRequest, and the CapabilityStatement at
/// /fhir/metadata. Authentication, scope (<see cref="AccessScope"/>) and audit are those of the REST API — the same
/// rule decides a FHIR read and the /api read of the same data, and every patient-data read is logged, refused ones too.
/// Errors are OperationOutcome resources; JSON only (http.html#mime-type: _format and Accept are honoured or refused with 406).
/// </summary>
internal static partial class FhirEndpoints
{
    public const int DefaultCount = 20;
    public const int MaxCount = 100;
    private const int MaxAuditedResource = 256;

    /// <summary>The helpers are built here from the host's services, so the host adds only the one MapFhir line.</summary>
    public static WebApplication MapFhir(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        IServiceProvider services = app.Services;
        var subjects = new FhirSubjects(
            services.GetRequiredService<PatientDirectory>(), services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<UserDirectory>());
        var measurements = new EcgMeasurementSource(
            services.GetRequiredService<Func<CatalogDbContext>>(),
            hash => services.GetRequiredService<GatewayService>().Blobs.PathOf(BlobHash.Parse(hash)),
            services.GetRequiredService<ILogger<EcgMeasurementSource>>());
        DateTimeOffset started = DateTimeOffset.UtcNow;

        RouteGroupBuilder fhir = app.MapGroup("/fhir").RequireAuthorization().WithTags("FHIR R4").AddEndpointFilter(async (context, next) =>
            NotAcceptable(context.HttpContext.Request) is { } refusal ? refusal : await next(context));
        // The CapabilityStatement holds no patient data; clients read it before they sign in (http.html#capabilities).
        fhir.MapGet("/metadata", (HttpContext http) => FhirResponse.Ok(CapabilityStatementMapper.Map(BaseUrl(http), started)))
            .AllowAnonymous().WithSummary("The CapabilityStatement: what this FHIR R4 server reads and searches");
        fhir.MapGet("/ServiceRequest/{id}", (string id, HttpContext http, IGrainFactory grains, AuditTrail audit) =>
            ReadServiceRequestAsync(id, http, grains, audit, subjects)).WithSummary("A case as a ServiceRequest (audited)");
        fhir.MapGet("/ServiceRequest", (HttpContext http, IGrainFactory grains, AuditTrail audit, CaseCatalog cases, PatientDirectory patients) =>
            SearchServiceRequestsAsync(http, grains, audit, cases, patients, subjects)).WithSummary("Cases by patient and status as a searchset Bundle (audited)");
        fhir.MapGet("/DiagnosticReport/{id}", (string id, HttpContext http, IGrainFactory grains, AuditTrail audit) =>
            ReadDiagnosticReportAsync(id, http, grains, audit, subjects, measurements)).WithSummary("The report of a case, with its ECG measurements as Observations (audited)");
        fhir.MapGet("/ImagingStudy/{id}", (string id, HttpContext http, IGrainFactory grains, AuditTrail audit, Func<CatalogDbContext> openCatalog, IInstitutionDirectory institutions) =>
            ReadImagingStudyAsync(id, http, grains, audit, openCatalog, institutions, subjects)).WithSummary("A study of the catalog as an ImagingStudy (audited)");
        fhir.MapGet("/Patient/{id}", (string id, HttpContext http, PatientDirectory patients, AuditTrail audit) =>
            ReadPatientAsync(id, http, patients, audit)).WithSummary("A community patient (audited)");
        // Anything else under /fhir is a resource type or interaction this server does not offer.
        fhir.MapGet("/{**rest}", (string rest) => FhirResponse.NotFound($"this server has no {rest}: see /fhir/metadata for what it serves"))
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ReadServiceRequestAsync(string id, HttpContext http, IGrainFactory grains, AuditTrail audit, FhirSubjects subjects)
    {
        const string Action = "fhir.servicerequest.read";
        (CaseView? view, FhirResponse? refusal) = await LoadCaseAsync(id, http, grains, audit, Action, "ServiceRequest");
        if (view is null)
        {
            return refusal!;
        }

        R4.ServiceRequest request = await ServiceRequestAsync(view, subjects, http.RequestAborted);
        await audit.RecordAsync(http, Action, CaseAccess.Resource(view.CaseId), view.PatientId, "ok");
        return FhirResponse.Ok(request);
    }

    private static async Task<R4.ServiceRequest> ServiceRequestAsync(CaseView view, FhirSubjects subjects, CancellationToken cancellationToken) =>
        ServiceRequestMapper.Map(
            view,
            await subjects.PatientAsync(view.CommunityId, view.RequestingInstitutionId, view.PatientId, null, cancellationToken),
            await subjects.InstitutionAsync(view.CommunityId, view.RequestingInstitutionId),
            view.AssignedReaderId is { } reader ? await subjects.ReaderAsync(reader, cancellationToken) : null);

    /// <summary>
    /// GET /fhir/ServiceRequest?patient=&amp;status=&amp;_count=: the cases the caller may list (the same scope as GET
    /// /api/cases for staff and readers; admins and auditors read no patient data, so they are refused), newest first.
    /// A community patient matches the cases opened under its id and under each institution's local id for it.
    /// </summary>
    private static async Task<IResult> SearchServiceRequestsAsync(
        HttpContext http, IGrainFactory grains, AuditTrail audit, CaseCatalog cases, PatientDirectory patients, FhirSubjects subjects)
    {
        const string Action = "fhir.servicerequest.search";
        AccessScope scope = http.Scope();
        IQueryCollection query = http.Request.Query;
        string resource = Truncate("fhir/ServiceRequest" + http.Request.QueryString.Value);
        string? patientParameter = query["patient"].FirstOrDefault()?.Trim();
        if (!scope.IsStaff && !scope.IsReader)
        {
            await audit.RecordAsync(http, Action, resource, (string?)null, "denied");
            return FhirResponse.Forbidden("searching cases is for staff and readers: administrators and auditors read no patient data");
        }

        // _count=0 asks for the total only (search.html#count); _offset pages on, as the next link does.
        int count = DefaultCount;
        if (query["_count"].FirstOrDefault() is { } countText && (!int.TryParse(countText, out count) || count < 0 || count > MaxCount))
        {
            return FhirResponse.Invalid($"_count must be 0–{MaxCount}");
        }

        int offset = 0;
        if (query["_offset"].FirstOrDefault() is { } offsetText && (!int.TryParse(offsetText, out offset) || offset < 0 || offset + count > CaseQuery.MaxLimit))
        {
            return FhirResponse.Invalid($"_offset must be 0 or more, and _offset + _count at most {CaseQuery.MaxLimit}");
        }

        var statuses = new List<string>();
        foreach (string token in query["status"].SelectMany(s => (s ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (Hl7.Fhir.Utility.EnumUtility.ParseLiteral<R4.RequestStatus>(token) is not { } status)
            {
                return FhirResponse.Invalid($"status '{token}' is not a request-status code (active, completed, revoked, …)");
            }

            statuses.AddRange(ServiceRequestMapper.CaseStatusesOf(status).Select(s => s.ToString()));
        }

        if (query["status"].Count > 0 && statuses.Count == 0)
        {
            // Only statuses no case ever has (draft, on-hold, …): nothing matches.
            return await SearchResultAsync(http, audit, resource, [], 0, offset, count, subjects);
        }

        // Whose cases: a community patient's under every id the institutions know it by; else the id as given.
        var filters = new List<(string PatientId, string? Institution)>();
        if (!string.IsNullOrEmpty(patientParameter))
        {
            string patientId = patientParameter.StartsWith("Patient/", StringComparison.Ordinal) ? patientParameter["Patient/".Length..] : patientParameter;
            filters.Add((patientId, null));
            if (PatientDirectory.IsCommunityPatientId(patientId) && await patients.FindAsync(patientId, http.RequestAborted) is { } patient
                && patient.CommunityId == scope.Caller.CommunityId)
            {
                filters.AddRange(patient.Identifiers.Select(i => (i.LocalId, (string?)i.InstitutionId)));
            }
        }
        else
        {
            filters.Add((string.Empty, null));
        }

        CaseScope caseScope = scope.IsStaff
            ? CaseScope.Institution(scope.Caller.CommunityId, scope.Caller.InstitutionId)
            : CaseScope.Reader(scope.Caller.CommunityId, scope.Caller.UserId);
        int total = 0;
        var records = new List<CaseRecord>();
        foreach ((string patientId, string? institution) in filters)
        {
            CasePage page = await cases.ListAsync(caseScope, new CaseQuery
            {
                Statuses = statuses,
                PatientId = patientId.Length == 0 ? null : patientId,
                RequestingInstitutionId = institution,
                // Each filter's first offset + count rows: enough to cut the merged page from.
                Limit = Math.Max(1, offset + count),
            }, http.RequestAborted);
            total += page.Total;
            records.AddRange(page.Cases);
        }

        var views = new List<CaseView>();
        foreach (CaseRecord record in records.OrderByDescending(r => r.OpenedAt).ThenBy(r => r.CaseId).Skip(offset).Take(count))
        {
            views.Add(await grains.GetGrain<ICaseGrain>(record.CaseId).GetAsync());
        }

        return await SearchResultAsync(http, audit, resource, views, total, offset, count, subjects);
    }

    private static async Task<IResult> SearchResultAsync(
        HttpContext http, AuditTrail audit, string resource, IReadOnlyList<CaseView> views, int total, int offset, int count, FhirSubjects subjects)
    {
        string baseUrl = BaseUrl(http);
        var bundle = new R4.Bundle
        {
            Type = R4.Bundle.BundleType.Searchset,
            Total = total,
            Link = [new R4.Bundle.LinkComponent { Relation = "self", Url = baseUrl + "/ServiceRequest" + http.Request.QueryString.Value }],
        };
        if (count > 0 && offset + count < total && offset + (2 * count) <= CaseQuery.MaxLimit)
        {
            var next = http.Request.Query.Where(q => q.Key is not ("_offset" or "_count"))
                .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
                .Append(new("_count", count.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                .Append(new("_offset", (offset + count).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            bundle.Link.Add(new R4.Bundle.LinkComponent { Relation = "next", Url = baseUrl + "/ServiceRequest" + Microsoft.AspNetCore.Http.QueryString.Create(next) });
        }
        foreach (CaseView view in views)
        {
            bundle.Entry.Add(new R4.Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/ServiceRequest/{view.CaseId}",
                Resource = await ServiceRequestAsync(view, subjects, http.RequestAborted),
                Search = new R4.Bundle.SearchComponent { Mode = R4.Bundle.SearchEntryMode.Match },
            });
        }

        await audit.RecordAsync(http, "fhir.servicerequest.search", resource, views.Select(v => v.PatientId), "ok");
        return FhirResponse.Ok(bundle);
    }

    /// <summary>
    /// The report of a case (id = the case id). Read by whoever may read the case, as GET /api/cases/{id}/report;
    /// 404 while no reader has drafted anything.
    /// </summary>
    private static async Task<IResult> ReadDiagnosticReportAsync(
        string id, HttpContext http, IGrainFactory grains, AuditTrail audit, FhirSubjects subjects, EcgMeasurementSource measurements)
    {
        const string Action = "fhir.diagnosticreport.read";
        (CaseView? view, FhirResponse? refusal) = await LoadCaseAsync(id, http, grains, audit, Action, "DiagnosticReport");
        if (view is null)
        {
            return refusal!;
        }

        string resource = CaseAccess.Resource(view.CaseId) + "/report";
        ReportView report = await grains.GetGrain<IReportGrain>(view.CaseId).GetAsync();
        if (report.Draft is null && report.Versions.Count == 0)
        {
            await audit.RecordAsync(http, Action, resource, view.PatientId, "not-found");
            return FhirResponse.NotFound($"case {view.CaseId} has no report yet");
        }

        ReportVersion? latest = report.Versions.Count > 0 ? report.Versions[^1] : null;
        string? interpreterId = latest?.SignedBy ?? view.AssignedReaderId;
        string? printable = null;
        if (latest is not null)
        {
            IReadOnlyList<Institution> institutions = await grains.GetGrain<ICommunityGrain>(view.CommunityId).GetInstitutionsAsync();
            var signers = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string signer in report.Versions.Select(v => v.SignedBy).Distinct(StringComparer.Ordinal))
            {
                signers[signer] = (await subjects.ReaderAsync(signer, http.RequestAborted)).Display ?? signer;
            }

            printable = ReportDocument.Render(view, report, institutions.ToDictionary(i => i.Id, i => i.Name, StringComparer.Ordinal), signers);
        }

        R4.DiagnosticReport diagnosticReport = DiagnosticReportMapper.Map(
            view,
            report,
            await subjects.PatientAsync(view.CommunityId, view.RequestingInstitutionId, view.PatientId, null, http.RequestAborted),
            interpreterId is null ? null : await subjects.ReaderAsync(interpreterId, http.RequestAborted),
            view.Kind == CaseKind.EcgRead ? await measurements.MeasureAsync(view, latest?.Content ?? report.Draft, http.RequestAborted) : [],
            printable);
        await audit.RecordAsync(http, Action, resource, view.PatientId, "ok");
        return FhirResponse.Ok(diagnosticReport);
    }

    /// <summary>A study, by Study Instance UID: readable by whoever may read the sending institution's patient data, as /api/studies.</summary>
    private static async Task<IResult> ReadImagingStudyAsync(
        string id, HttpContext http, IGrainFactory grains, AuditTrail audit, Func<CatalogDbContext> openCatalog, IInstitutionDirectory institutions, FhirSubjects subjects)
    {
        const string Action = "fhir.imagingstudy.read";
        string resource = "study/" + id;
        if (!IsFhirId(id))
        {
            return FhirResponse.Invalid($"'{id}' is not a FHIR id (a Study Instance UID: digits and dots, at most 64)");
        }

        List<StoredInstance> rows;
        await using (CatalogDbContext catalog = openCatalog())
        {
            rows = await catalog.Instances.AsNoTracking().Where(i => i.StudyInstanceUid == id).ToListAsync(http.RequestAborted);
        }

        if (rows.Count == 0)
        {
            await audit.RecordAsync(http, Action, resource, (string?)null, "not-found");
            return FhirResponse.NotFound($"no ImagingStudy {id}");
        }

        AccessScope scope = http.Scope();
        string? patientId = rows.Select(r => r.PatientId).FirstOrDefault(p => p is not null);
        foreach (string? institution in rows.Select(r => r.InstitutionId).Distinct(StringComparer.Ordinal))
        {
            if (institution is null || !await scope.CanReadPatientDataOfAsync(institution))
            {
                await audit.RecordAsync(http, Action, resource, patientId, "denied", institution is null ? null : await institutions.CommunityOfAsync(institution));
                return FhirResponse.Forbidden($"ImagingStudy {id} is outside your scope");
            }
        }

        StoredInstance first = rows.First(r => r.InstitutionId is not null);
        string community = await institutions.CommunityOfAsync(first.InstitutionId!) ?? scope.Caller.CommunityId;
        R4.ResourceReference subject = await subjects.PatientAsync(community, first.InstitutionId!, patientId,
            rows.Select(r => r.PatientName).FirstOrDefault(n => n is not null), http.RequestAborted);
        Guid? caseId = await grains.GetGrain<IStudyGrain>(id).GetCaseAsync();
        R4.ImagingStudy study = ImagingStudyMapper.Map(id, rows, subject, $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/dicomweb", caseId);
        await audit.RecordAsync(http, Action, resource, patientId, "ok");
        return FhirResponse.Ok(study);
    }

    /// <summary>A community patient, seen by whoever sees it in GET /api/patients/{id} (PatientAccess.CanSee).</summary>
    private static async Task<IResult> ReadPatientAsync(string id, HttpContext http, PatientDirectory patients, AuditTrail audit)
    {
        const string Action = "fhir.patient.read";
        string resource = Truncate(PatientAccess.Resource(id));
        Patient? patient = IsFhirId(id) ? await patients.FindAsync(id, http.RequestAborted) : null;
        if (patient is null)
        {
            await audit.RecordAsync(http, Action, resource, (string?)null, "not-found");
            return FhirResponse.NotFound($"no Patient {id}");
        }

        AccessScope scope = http.Scope();
        if (!PatientAccess.CanSee(scope, patient))
        {
            await audit.RecordAsync(http, Action, resource, id, "denied", patient.CommunityId);
            return FhirResponse.Forbidden($"Patient {id} is outside your scope");
        }

        await audit.RecordAsync(http, Action, resource, id, "ok");
        return FhirResponse.Ok(PatientMapper.Map(patient, scope));
    }

    /// <summary>The case a ServiceRequest or DiagnosticReport id names, when the caller may read it (AccessScope.CanReadCase); else the audited 404/403.</summary>
    private static async Task<(CaseView? Case, FhirResponse? Refusal)> LoadCaseAsync(string id, HttpContext http, IGrainFactory grains, AuditTrail audit, string action, string type)
    {
        if (!Guid.TryParse(id, out Guid caseId))
        {
            await audit.RecordAsync(http, action, Truncate($"case/{id}"), (string?)null, "not-found");
            return (null, FhirResponse.NotFound($"no {type} {id}"));
        }

        CaseView view;
        try
        {
            view = await grains.GetGrain<ICaseGrain>(caseId).GetAsync();
        }
        catch (KeyNotFoundException)
        {
            await audit.RecordAsync(http, action, CaseAccess.Resource(caseId), (string?)null, "not-found");
            return (null, FhirResponse.NotFound($"no {type} {id}"));
        }

        if (!http.Scope().CanReadCase(view))
        {
            await audit.RecordAsync(http, action, CaseAccess.Resource(caseId), view.PatientId, "denied", view.CommunityId);
            return (null, FhirResponse.Forbidden($"{type} {id} is outside your scope"));
        }

        return (view, null);
    }

    /// <summary>JSON only: a _format or Accept that asks for something else (XML, Turtle) is 406 (http.html#mime-type).</summary>
    private static FhirResponse? NotAcceptable(HttpRequest request)
    {
        if (request.Query["_format"].FirstOrDefault() is { } format
            && !(format.Equals("json", StringComparison.OrdinalIgnoreCase) || IsJson(format)))
        {
            return FhirResponse.NotAcceptable($"_format {format} is not served: this server speaks JSON only (_format=json or application/fhir+json)");
        }

        string[] accepted = [.. request.Headers.Accept.SelectMany(a => (a ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
        return request.Query["_format"].Count == 0 && accepted.Length > 0
            && !accepted.Any(a => IsJson(a) || a.StartsWith("*/*", StringComparison.Ordinal) || a.StartsWith("application/*", StringComparison.Ordinal))
            ? FhirResponse.NotAcceptable($"Accept {string.Join(", ", accepted)} is not served: this server speaks application/fhir+json only")
            : null;
    }

    private static bool IsJson(string mediaType)
    {
        string type = mediaType.Split(';')[0].Trim();
        return type.Equals(FhirResponse.MediaType, StringComparison.OrdinalIgnoreCase) || type.Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }

    private static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/fhir";

    /// <summary>FHIR's id type (datatypes.html#id): [A-Za-z0-9\-\.]{1,64}.</summary>
    private static bool IsFhirId(string id) => FhirId().IsMatch(id);

    [GeneratedRegex(@"^[A-Za-z0-9\-\.]{1,64}$")]
    private static partial Regex FhirId();

    /// <summary>The audit log keeps at most 256 characters of a resource name (CatalogDbContext).</summary>
    private static string Truncate(string value) => value.Length <= MaxAuditedResource ? value : value[..MaxAuditedResource];
}
