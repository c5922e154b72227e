using System.Text;
using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Grains.Reports;
using Telemed.Storage.Accounts;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// The report of a case: read (whoever may read the case), draft, sign and amend (the reader the case is assigned to,
/// against the report's ETag), and a printable HTML page. The report grain keeps every signed version; all audited.
/// </summary>
internal static class ReportEndpoints
{
    private const int MaxTextLength = 20_000;

    public static void MapReports(this IEndpointRouteBuilder api)
    {
        RouteGroupBuilder report = api.MapGroup("/cases/{id:guid}/report").WithTags("Reports");
        report.MapGet("/", GetAsync).WithSummary("The draft and every signed version, with the ETag to change it against (audited)");
        report.MapPut("/", SaveDraftAsync).WithSummary("Saves the draft (assigned reader, If-Match; audited)");
        report.MapPost("/sign", SignAsync).WithSummary("Signs the draft as version 1 (assigned reader, If-Match; audited)");
        report.MapPost("/amend", AmendAsync).WithSummary("Signs a new version with the reason for the change (assigned reader, If-Match; audited)");
        api.MapGet("/cases/{id:guid}/report.html", PrintAsync).WithTags("Reports").WithSummary("The report as a printable page (audited)");
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, IGrainFactory grains, AuditTrail audit)
    {
        (CaseView? view, IResult? refusal) = await CaseAccess.LoadAsync(http, grains, audit, id, "report.read", (scope, c) => scope.CanReadCase(c));
        if (view is null)
        {
            return refusal!;
        }

        ReportView report = await grains.GetGrain<IReportGrain>(id).GetAsync();
        await audit.RecordAsync(http, "report.read", Resource(id), view.PatientId, "ok");
        return Reply(http, view, report);
    }

    private static Task<IResult> SaveDraftAsync(Guid id, DraftRequest request, HttpContext http, IGrainFactory grains, AuditTrail audit) =>
        ChangeAsync(id, http, grains, audit, "report.draft", async (view, report, reader, expected) =>
        {
            if (report.Versions.Count > 0)
            {
                throw new CaseTransitionException($"case {id}: the report is signed; change it with an amendment");
            }

            // Checked here as well as in the grain, for a readable refusal before the template is looked at.
            if (view.Status is not (CaseStatus.InProgress or CaseStatus.Preliminary))
            {
                throw new CaseTransitionException(id, view.Status, "save a draft report (accept the case first)");
            }

            ReportTemplateKind? template = request.Template ?? report.Draft?.Template ?? DefaultTemplate(view.Kind);
            if (template is not { } chosen || !Enum.IsDefined(chosen))
            {
                throw new ArgumentException($"case {id}: name a template, one of {string.Join(", ", Enum.GetNames<ReportTemplateKind>())}");
            }

            // A new template starts from its fields prefilled from the ECG analysis, as IReportGrain.StartAsync would,
            // but without storing that start: only the saved draft advances the revision the client's ETag names.
            ReportContent start = report.Draft is { } draft && draft.Template == chosen ? draft : ReportTemplates.Draft(chosen, view.Ecg);
            await grains.GetGrain<IReportGrain>(id).SaveDraftAsync(reader, Merge(start, request.Fields, request.Findings, request.Impression), expected);
        });

    private static Task<IResult> SignAsync(Guid id, HttpContext http, IGrainFactory grains, AuditTrail audit) =>
        ChangeAsync(id, http, grains, audit, "report.sign", async (_, _, reader, expected) => await grains.GetGrain<IReportGrain>(id).SignAsync(reader, expected));

    private static Task<IResult> AmendAsync(Guid id, AmendRequest request, HttpContext http, IGrainFactory grains, AuditTrail audit) =>
        ChangeAsync(id, http, grains, audit, "report.amend", async (_, report, reader, expected) =>
        {
            ReportVersion latest = report.Versions.Count > 0
                ? report.Versions[^1]
                : throw new CaseTransitionException($"case {id}: nothing signed to amend");
            if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > MaxTextLength)
            {
                throw new ArgumentException($"case {id}: an amendment needs a reason");
            }

            await grains.GetGrain<IReportGrain>(id).AmendAsync(reader, Merge(latest.Content, request.Fields, request.Findings, request.Impression), request.Reason.Trim(), expected);
        });

    /// <summary>
    /// The shared path of every change: the assigned reader only (403), If-Match against the current ETag (428/412),
    /// then the grain, which checks the revision again inside the change (412 when someone got in between) and whose
    /// other refusals become 409/400. The outcome is audited whatever it is.
    /// </summary>
    private static Task<IResult> ChangeAsync(Guid id, HttpContext http, IGrainFactory grains, AuditTrail audit, string action,
        Func<CaseView, ReportView, string, int?, Task> change) =>
        GrainProblems.RunAsync(async () =>
        {
            (CaseView? view, IResult? refusal) = await CaseAccess.LoadAsync(http, grains, audit, id, action, CaseAccess.IsAssignedReader);
            if (view is null)
            {
                return refusal!;
            }

            IReportGrain grain = grains.GetGrain<IReportGrain>(id);
            ReportView report = await grain.GetAsync();
            (int? expected, IResult? failed) = RevisionETag.Precondition(http.Request, report.Revision, "report");
            if (failed is not null)
            {
                await audit.RecordAsync(http, action, Resource(id), view.PatientId, "precondition-failed");
                return failed;
            }

            string outcome = "refused";
            try
            {
                await change(view, report, http.Scope().Caller.UserId, expected);
                outcome = "ok";
            }
            catch (ReportChangedException)
            {
                outcome = "precondition-failed";
                return RevisionETag.Stale("report", (await grain.GetAsync()).Revision);
            }
            finally
            {
                await audit.RecordAsync(http, action, Resource(id), view.PatientId, outcome);
            }

            return Reply(http, await grains.GetGrain<ICaseGrain>(id).GetAsync(), await grain.GetAsync());
        });

    private static async Task<IResult> PrintAsync(Guid id, HttpContext http, IGrainFactory grains, AuditTrail audit, UserDirectory users)
    {
        (CaseView? view, IResult? refusal) = await CaseAccess.LoadAsync(http, grains, audit, id, "report.print", (scope, c) => scope.CanReadCase(c));
        if (view is null)
        {
            return refusal!;
        }

        ReportView report = await grains.GetGrain<IReportGrain>(id).GetAsync();
        IReadOnlyList<Institution> institutions = await grains.GetGrain<ICommunityGrain>(view.CommunityId).GetInstitutionsAsync();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string signer in report.Versions.Select(v => v.SignedBy).Distinct(StringComparer.Ordinal))
        {
            names[signer] = (await users.FindAsync(signer, http.RequestAborted))?.DisplayName ?? signer;
        }

        string html = ReportDocument.Render(view, report, institutions.ToDictionary(i => i.Id, i => i.Name, StringComparer.Ordinal), names);
        await audit.RecordAsync(http, "report.print", Resource(id), view.PatientId, "ok");
        http.Response.Headers.ETag = RevisionETag.Of(report.Revision);
        return Results.Text(html, "text/html", Encoding.UTF8);
    }

    private static IResult Reply(HttpContext http, CaseView view, ReportView report)
    {
        string tag = RevisionETag.Of(report.Revision);
        http.Response.Headers.ETag = tag;
        return Results.Ok(new ReportResource(report.CaseId, view.Status, report.Draft, report.Versions.Count > 0 ? report.Versions[^1] : null, report.Versions, tag));
    }

    /// <summary>The given fields replace those of the same name; findings and impression replace when given.</summary>
    private static ReportContent Merge(ReportContent start, IReadOnlyDictionary<string, string>? fields, string? findings, string? impression)
    {
        if ((findings?.Length ?? 0) > MaxTextLength || (impression?.Length ?? 0) > MaxTextLength || fields?.Values.Any(v => (v?.Length ?? 0) > MaxTextLength) == true)
        {
            throw new ArgumentException($"report texts are at most {MaxTextLength} characters");
        }

        List<ReportField> merged = [.. start.Fields.Select(f => fields is not null && fields.TryGetValue(f.Name, out string? value) ? new ReportField(f.Name, value ?? string.Empty) : f)];
        merged.AddRange((fields ?? new Dictionary<string, string>()).Where(f => start.Fields.All(s => s.Name != f.Key)).Select(f => new ReportField(f.Key, f.Value ?? string.Empty)));
        return new ReportContent(start.Template, merged, findings ?? start.Findings, impression ?? start.Impression);
    }

    private static ReportTemplateKind? DefaultTemplate(CaseKind kind) => kind switch
    {
        CaseKind.EcgRead => ReportTemplateKind.RestingEcg,
        CaseKind.ImagingRead => ReportTemplateKind.ChestXray,
        _ => null,
    };

    private static string Resource(Guid id) => $"case/{id}/report";
}

/// <summary>A report as the API shows it: the draft, the current (latest signed) version and all versions, oldest first.</summary>
internal sealed record ReportResource(Guid CaseId, CaseStatus CaseStatus, ReportContent? Draft, ReportVersion? Current, IReadOnlyList<ReportVersion> Versions, string ETag);

/// <summary>A draft: the template (defaults from the case kind), field values by name, free-text findings and impression.</summary>
internal sealed record DraftRequest(ReportTemplateKind? Template, Dictionary<string, string>? Fields, string? Findings, string? Impression);

/// <summary>An amendment: why, and what changes from the latest signed version.</summary>
internal sealed record AmendRequest(string? Reason, Dictionary<string, string>? Fields, string? Findings, string? Impression);
