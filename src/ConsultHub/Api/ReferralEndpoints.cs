using Microsoft.EntityFrameworkCore;
using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Grains.Referrals;
using Telemed.Storage.Catalog;
using Telemed.Storage.Referrals;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// Referrals up (village/township → county → city) and down, each carrying its case's summary. The referral grain
/// decides direction and lifecycle (Requested → Accepted → Completed, or Declined); the list reads referral_records,
/// the projection these endpoints write after every change. Patient data: every read and change is audited, in both
/// communities when a referral joins two.
/// </summary>
internal static class ReferralEndpoints
{
    private const int MaxTextLength = 2000;
    private const int DefaultLimit = 50;
    private const int MaxLimit = 200;

    public static void MapReferrals(this IEndpointRouteBuilder api)
    {
        RouteGroupBuilder referrals = api.MapGroup("/referrals").WithTags("Referrals");
        referrals.MapPost("/", OpenAsync)
            .WithSummary("Refers a case's patient from the caller's institution to another level (staff of the case's institution or its assigned reader; audited)");
        referrals.MapGet("/", ListAsync)
            .WithSummary("Referrals to or from the caller's institution (admins, auditors: their community's), by direction, status and institution (audited per patient)");
        referrals.MapGet("/{id:guid}", GetAsync).WithSummary("One referral with its case summary (people of either institution, their communities' admins and auditors; audited)");
        referrals.MapPost("/{id:guid}/accept", (Guid id, HttpContext http, IGrainFactory grains, IInstitutionDirectory institutions, AuditTrail audit, ReferralProjection projection) =>
                AnswerAsync(id, http, grains, institutions, audit, projection, "referral.accept", (referral, actor) => referral.AcceptAsync(actor)))
            .WithSummary("Accepts a requested referral (the receiving institution's people or its community's admin; 409 unless Requested; audited)");
        referrals.MapPost("/{id:guid}/decline", (Guid id, ReferralAnswer answer, HttpContext http, IGrainFactory grains, IInstitutionDirectory institutions, AuditTrail audit, ReferralProjection projection) =>
                Required(answer.Reason, "reason") is { } invalid ? Task.FromResult(invalid) : AnswerAsync(id, http, grains, institutions, audit, projection, "referral.decline", (referral, actor) => referral.DeclineAsync(actor, answer.Reason!.Trim())))
            .WithSummary("Declines a requested referral with a reason (receiving side; 409 unless Requested; audited)");
        referrals.MapPost("/{id:guid}/complete", (Guid id, ReferralAnswer answer, HttpContext http, IGrainFactory grains, IInstitutionDirectory institutions, AuditTrail audit, ReferralProjection projection) =>
                Required(answer.Outcome, "outcome") is { } invalid ? Task.FromResult(invalid) : AnswerAsync(id, http, grains, institutions, audit, projection, "referral.complete", (referral, actor) => referral.CompleteAsync(actor, answer.Outcome!.Trim())))
            .WithSummary("Completes an accepted referral with its outcome (receiving side; 409 unless Accepted; audited)");
    }

    private static async Task<IResult> OpenAsync(
        OpenReferralRequest request, HttpContext http, IGrainFactory grains, IInstitutionDirectory institutions, AuditTrail audit, ReferralProjection projection)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.CaseId is null)
        {
            errors["caseId"] = ["the case whose patient is referred"];
        }

        if (string.IsNullOrWhiteSpace(request.ToInstitutionId))
        {
            errors["toInstitutionId"] = ["the institution the patient is referred to"];
        }

        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > MaxTextLength)
        {
            errors["reason"] = [$"why the patient is referred, 1–{MaxTextLength} characters"];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        Guid caseId = request.CaseId!.Value;
        (CaseView? view, IResult? refusal) = await CaseAccess.LoadAsync(http, grains, audit, caseId, "referral.create",
            (scope, c) => (scope.IsStaff && scope.CanReadCase(c)) || CaseAccess.IsAssignedReader(scope, c));
        if (view is null)
        {
            return refusal!;
        }

        Caller caller = http.Scope().Caller;
        string toId = request.ToInstitutionId!.Trim();
        InstitutionRecord? from = await grains.GetGrain<IInstitutionGrain>(caller.InstitutionId).GetAsync();
        InstitutionRecord? to = await grains.GetGrain<IInstitutionGrain>(toId).GetAsync();
        if (from is null || to is null)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                [from is null ? "fromInstitution" : "toInstitutionId"] = [$"{(from is null ? caller.InstitutionId : toId)} is not an institution of any community"],
            });
        }

        if (from.CommunityId != to.CommunityId && !ReferralAccess.MayCrossCommunities(from.Institution.Level, to.Institution.Level))
        {
            await audit.RecordAsync(http, "referral.create", CaseAccess.Resource(caseId), view.PatientId, "denied", to.CommunityId);
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["toInstitutionId"] = [$"{toId} belongs to community {to.CommunityId}: a referral leaves the community only to or from a city hospital"],
            });
        }

        var id = Guid.NewGuid();
        ReferralView created;
        try
        {
            created = await grains.GetGrain<IReferralGrain>(id).CreateAsync(
                new ReferralRequest(caseId, caller.InstitutionId, toId, request.Reason!.Trim(), caller.UserId));
        }
        catch (ArgumentException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "the referral is not valid", detail: e.Message);
        }

        var ends = new ReferralEnds(from.Institution.Id, from.CommunityId, to.Institution.Id, to.CommunityId);
        await projection.SaveAsync(created, ends);
        await audit.RecordAsync(http, "referral.create", ReferralAccess.Resource(id), created.Summary.PatientId, "ok", OtherCommunity(caller, ends));
        return Results.Created($"/api/referrals/{id}", created);
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, IGrainFactory grains, IInstitutionDirectory institutions, AuditTrail audit)
    {
        (ReferralView? view, ReferralEnds? ends, IResult? refusal) = await LoadAsync(id, http, grains, institutions, audit, "referral.read", ReferralAccess.CanSee);
        if (view is null)
        {
            return refusal!;
        }

        await audit.RecordAsync(http, "referral.read", ReferralAccess.Resource(id), view.Summary.PatientId, "ok", OtherCommunity(http.Scope().Caller, ends!));
        return Results.Ok(view);
    }

    private static async Task<IResult> ListAsync(
        string? direction, string? status, string? institution, int? limit, int? offset,
        HttpContext http, Func<CatalogDbContext> openCatalog, IInstitutionDirectory institutions, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        Caller caller = scope.Caller;
        bool communityWide = scope.IsAdmin || scope.IsAuditor;
        string resource = institution is null ? $"community/{caller.CommunityId}/referrals" : $"institution/{institution}/referrals";
        if (institution is not null && !(communityWide ? await institutions.CommunityOfAsync(institution) == caller.CommunityId : institution == caller.InstitutionId))
        {
            await audit.RecordAsync(http, "referral.list", resource, (string?)null, "denied", await institutions.CommunityOfAsync(institution));
            return Results.Forbid();
        }

        var errors = new Dictionary<string, string[]>();
        ReferralDirection? wantedDirection = Parse<ReferralDirection>(direction, "direction", errors);
        ReferralStatus? wantedStatus = Parse<ReferralStatus>(status, "status", errors);
        if (limit is < 1 or > MaxLimit || offset is < 0)
        {
            errors["limit"] = [$"limit 1–{MaxLimit}, offset ≥ 0"];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        await using CatalogDbContext catalog = openCatalog();
        IQueryable<ReferralRecord> records = catalog.ReferralRecords.AsNoTracking();
        records = communityWide
            ? records.Where(r => r.FromCommunityId == caller.CommunityId || r.ToCommunityId == caller.CommunityId)
            : records.Where(r => (r.FromInstitutionId == caller.InstitutionId && r.FromCommunityId == caller.CommunityId)
                || (r.ToInstitutionId == caller.InstitutionId && r.ToCommunityId == caller.CommunityId));
        if (institution is not null)
        {
            records = records.Where(r => r.FromInstitutionId == institution || r.ToInstitutionId == institution);
        }

        if (wantedDirection is { } d)
        {
            string name = d.ToString();
            records = records.Where(r => r.Direction == name);
        }

        if (wantedStatus is { } s)
        {
            string name = s.ToString();
            records = records.Where(r => r.Status == name);
        }

        List<ReferralRecord> page = await records.OrderByDescending(r => r.RequestedAtUtc).ThenBy(r => r.Id)
            .Skip(offset ?? 0).Take(limit ?? DefaultLimit).ToListAsync(http.RequestAborted);
        await audit.RecordAsync(http, "referral.list", resource, page.Select(r => r.PatientId), "ok");
        return Results.Ok(page.Select(ReferralListItem.From));
    }

    private static async Task<IResult> AnswerAsync(
        Guid id, HttpContext http, IGrainFactory grains, IInstitutionDirectory institutions, AuditTrail audit, ReferralProjection projection,
        string action, Func<IReferralGrain, string, Task<ReferralView>> answer)
    {
        (ReferralView? view, ReferralEnds? ends, IResult? refusal) = await LoadAsync(id, http, grains, institutions, audit, action, ReferralAccess.CanAnswer);
        if (view is null)
        {
            return refusal!;
        }

        Caller caller = http.Scope().Caller;
        string? otherCommunity = OtherCommunity(caller, ends!);
        ReferralView changed;
        try
        {
            changed = await answer(grains.GetGrain<IReferralGrain>(id), caller.UserId);
        }
        catch (InvalidOperationException e)
        {
            await audit.RecordAsync(http, action, ReferralAccess.Resource(id), view.Summary.PatientId, "conflict", otherCommunity);
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "the referral's status does not allow this", detail: e.Message);
        }

        await projection.SaveAsync(changed, ends!);
        await audit.RecordAsync(http, action, ReferralAccess.Resource(id), changed.Summary.PatientId, "ok", otherCommunity);
        return Results.Ok(changed);
    }

    /// <summary>The referral and its ends when <paramref name="allowed"/> says yes, otherwise the 404/403 result (already audited).</summary>
    private static async Task<(ReferralView? View, ReferralEnds? Ends, IResult? Refusal)> LoadAsync(
        Guid id, HttpContext http, IGrainFactory grains, IInstitutionDirectory institutions, AuditTrail audit, string action,
        Func<AccessScope, ReferralEnds, bool> allowed)
    {
        string resource = ReferralAccess.Resource(id);
        ReferralView view;
        try
        {
            view = await grains.GetGrain<IReferralGrain>(id).GetAsync();
        }
        catch (KeyNotFoundException)
        {
            await audit.RecordAsync(http, action, resource, (string?)null, "not-found");
            return (null, null, Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"no referral {id}"));
        }

        var ends = new ReferralEnds(
            view.FromInstitutionId, await institutions.CommunityOfAsync(view.FromInstitutionId) ?? "-",
            view.ToInstitutionId, await institutions.CommunityOfAsync(view.ToInstitutionId) ?? "-");
        AccessScope scope = http.Scope();
        if (!allowed(scope, ends))
        {
            await audit.RecordAsync(http, action, resource, view.Summary.PatientId, "denied",
                scope.Caller.CommunityId == ends.FromCommunityId ? ends.ToCommunityId : ends.FromCommunityId);
            return (null, null, Results.Forbid());
        }

        return (view, ends, null);
    }

    /// <summary>The referral's other community, whose log gets a copy of the entry; null when both ends are the caller's.</summary>
    private static string? OtherCommunity(Caller caller, ReferralEnds ends) =>
        ends.FromCommunityId != caller.CommunityId ? ends.FromCommunityId
        : ends.ToCommunityId != caller.CommunityId ? ends.ToCommunityId
        : null;

    private static IResult? Required(string? text, string field) =>
        string.IsNullOrWhiteSpace(text) || text.Length > MaxTextLength
            ? Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [$"1–{MaxTextLength} characters"] })
            : null;

    private static T? Parse<T>(string? value, string field, Dictionary<string, string[]> errors)
        where T : struct, Enum
    {
        if (value is null)
        {
            return null;
        }

        if (Enum.TryParse(value, ignoreCase: true, out T parsed) && Enum.IsDefined(parsed))
        {
            return parsed;
        }

        errors[field] = [$"one of {string.Join(", ", Enum.GetNames<T>())}"];
        return null;
    }
}

/// <summary>A referral request from a case; the sending institution is the caller's.</summary>
internal sealed record OpenReferralRequest(Guid? CaseId, string? ToInstitutionId, string? Reason);

/// <summary>The receiving side's answer: a reason when declining, the outcome when completing.</summary>
internal sealed record ReferralAnswer(string? Reason, string? Outcome);

/// <summary>A referral as lists show it (from referral_records); GET /api/referrals/{id} has the case summary.</summary>
internal sealed record ReferralListItem(
    Guid ReferralId, Guid CaseId, string? PatientId, string Direction, string Status, string FromInstitutionId, string FromCommunityId,
    string ToInstitutionId, string ToCommunityId, string Reason, string RequestedBy, DateTimeOffset RequestedAt, DateTimeOffset UpdatedAt)
{
    public static ReferralListItem From(ReferralRecord r) => new(
        r.Id, r.CaseId, r.PatientId, r.Direction, r.Status, r.FromInstitutionId, r.FromCommunityId, r.ToInstitutionId, r.ToCommunityId,
        r.Reason, r.RequestedBy,
        new DateTimeOffset(DateTime.SpecifyKind(r.RequestedAtUtc, DateTimeKind.Utc)),
        new DateTimeOffset(DateTime.SpecifyKind(r.UpdatedAtUtc, DateTimeKind.Utc)));
}
