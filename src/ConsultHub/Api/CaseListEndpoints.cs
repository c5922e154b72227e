using System.Globalization;
using System.Text;
using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Storage.Cases;
using Telemed.Storage.Catalog;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// GET /api/cases: the cases the caller may see, filtered and paged, from the catalog's case projection (no grain is
/// activated). Scope as everywhere (<see cref="AccessScope"/>): staff their institution's requests; readers their
/// community's cases and pools plus those assigned to them; admins and auditors their community's — without patient id
/// and clinical question, since they read no patient data (so they cannot filter by patient either). Naming an
/// institution outside that scope is 403, as with /api/studies. One audit entry per call names the filter and the count.
/// </summary>
internal static class CaseListEndpoints
{
    private const int MaxAuditedResource = 256;

    public static void MapCaseList(this RouteGroupBuilder cases)
    {
        cases.MapGet("/", ListAsync)
            .WithSummary("Cases the caller may see, newest first: filters status (repeatable), priority, kind, specialty, institution, reader, patient, from/to (opened), mine; limit (default 50, max 500) and offset; with the total (audited)");
    }

    private static async Task<IResult> ListAsync(
        string[]? status, string? priority, string? kind, string? specialty, string? institution, string? reader, string? patient,
        DateTimeOffset? from, DateTimeOffset? to, bool? mine, int? limit, int? offset,
        HttpContext http, CaseCatalog catalog, IInstitutionDirectory institutions, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        string filter = http.Request.QueryString.HasValue ? http.Request.QueryString.Value! : string.Empty;
        var errors = new Dictionary<string, string[]>();
        string[] statuses = [.. (status ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(s => Name<CaseStatus>(s, "status", errors)).OfType<string>().Distinct(StringComparer.Ordinal)];
        string? priorityName = Name<CasePriority>(priority, "priority", errors);
        string? kindName = Name<CaseKind>(kind, "kind", errors);
        string? specialtyName = Name<Specialty>(specialty, "specialty", errors);
        if (limit is < 1 or > CaseQuery.MaxLimit)
        {
            errors["limit"] = [$"1–{CaseQuery.MaxLimit}"];
        }

        if (offset is < 0)
        {
            errors["offset"] = ["0 or more"];
        }

        if (from is { } f && to is { } t && f >= t)
        {
            errors["from"] = ["before to"];
        }

        if (mine == true && (!scope.IsReader || (reader is not null && reader != scope.Caller.UserId)))
        {
            errors["mine"] = ["a reader's own cases: only for readers, and not with another reader"];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        // Who sees what; an institution outside it is refused rather than answered empty, as /api/studies does.
        CaseScope? caseScope = scope.IsStaff ? CaseScope.Institution(scope.Caller.CommunityId, scope.Caller.InstitutionId)
            : scope.IsReader ? CaseScope.Reader(scope.Caller.CommunityId, scope.Caller.UserId)
            : scope.IsAdmin || scope.IsAuditor ? CaseScope.Community(scope.Caller.CommunityId)
            : null;
        bool redacted = !scope.IsStaff && !scope.IsReader;
        if (caseScope is null || (institution is not null && !await scope.CanSeeInstitutionAsync(institution)) || (redacted && patient is not null))
        {
            string? otherCommunity = institution is null ? null : await institutions.CommunityOfAsync(institution);
            await audit.RecordAsync(http, "cases.list", Resource(filter, null), patient, "denied", otherCommunity);
            return Results.Forbid();
        }

        CasePage page = await catalog.ListAsync(caseScope, new CaseQuery
        {
            Statuses = statuses,
            Priority = priorityName,
            Kind = kindName,
            Specialty = specialtyName,
            RequestingInstitutionId = institution,
            AssignedReaderId = mine == true ? scope.Caller.UserId : reader,
            PatientId = patient,
            OpenedFrom = from,
            OpenedTo = to,
            Limit = limit ?? CaseQuery.DefaultLimit,
            Offset = offset ?? 0,
        }, http.RequestAborted);
        await audit.RecordAsync(http, "cases.list", Resource(filter, page), patient, "ok");
        return Results.Ok(new CaseList(page.Total, page.Offset, page.Limit, [.. page.Cases.Select(c => CaseSummary.From(c, redacted))]));
    }

    /// <summary>The enum's name for a case-insensitive query value, or null (absent, or invalid: then an error is added).</summary>
    private static string? Name<T>(string? value, string field, Dictionary<string, string[]> errors)
        where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (Enum.TryParse(value.Trim(), ignoreCase: true, out T parsed) && Enum.IsDefined(parsed) && !char.IsAsciiDigit(value.Trim()[0]))
        {
            return parsed.ToString();
        }

        errors[field] = [$"one of {string.Join(", ", Enum.GetNames<T>())}"];
        return null;
    }

    /// <summary>What was listed, for the audit entry: the query string and how many of how many matched.</summary>
    private static string Resource(string query, CasePage? page)
    {
        var text = new StringBuilder("cases").Append(query);
        if (page is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" → {page.Cases.Count} of {page.Total}");
        }

        return text.Length <= MaxAuditedResource ? text.ToString() : text.ToString(0, MaxAuditedResource - 1) + "…";
    }
}

/// <summary>One page of <c>GET /api/cases</c>: the rows, newest first, and how many match in all.</summary>
internal sealed record CaseList(int Total, int Offset, int Limit, IReadOnlyList<CaseSummary> Cases);

/// <summary>A case as lists show it (from the catalog's projection; GET /api/cases/{id} has the full case and history).</summary>
internal sealed record CaseSummary(
    Guid CaseId, string CommunityId, string RoutedCommunityId, string RequestingInstitutionId, string RequestedBy,
    string Kind, string Priority, string Specialty, string Status, string? PatientId, string? AssignedReaderId, string? ClinicalQuestion,
    DateTimeOffset OpenedAt, DateTimeOffset? AssignedAt, DateTimeOffset? AcceptedAt, DateTimeOffset? SignedAt, DateTimeOffset? ClosedAt,
    DateTimeOffset SlaDueAt, bool SlaBreached, DateTimeOffset UpdatedAt)
{
    /// <summary>Redacted: without patient id and clinical question (for roles that read no patient data).</summary>
    public static CaseSummary From(CaseRecord c, bool redacted) => new(
        c.CaseId, c.CommunityId, c.RoutedCommunityId, c.RequestingInstitutionId, c.RequestedBy, c.Kind, c.Priority, c.Specialty,
        c.Status, redacted ? null : c.PatientId, c.AssignedReaderId, redacted ? null : c.ClinicalQuestion, c.OpenedAt, c.AssignedAt,
        c.AcceptedAt, c.SignedAt, c.ClosedAt, c.SlaDueAt, c.SlaBreached, c.UpdatedAt);
}
