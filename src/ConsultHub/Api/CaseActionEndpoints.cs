using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Grains.Readers;
using Telemed.Grains.Routing;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// What readers, staff and admins do to a case: accept, reassign, cancel. The case grain decides whether its status
/// allows the step (refusals become 409); this layer decides who may ask (refusals 403). All audited.
/// </summary>
internal static class CaseActionEndpoints
{
    private const int MaxReasonLength = 1000;

    public static void MapCaseActions(this RouteGroupBuilder cases)
    {
        cases.MapPost("/{id:guid}/accept", AcceptAsync).WithSummary("The assigned reader accepts the case; optional If-Match on the case's ETag (412 when stale; audited)");
        cases.MapPost("/{id:guid}/reassign", ReassignAsync)
            .WithSummary("Moves an assigned, not yet accepted case to the named on-duty reader, or to the one routing picks (the assigned reader or an admin; optional If-Match, 412 when stale; audited)");
        cases.MapPost("/{id:guid}/cancel", CancelAsync).WithSummary("Cancels an open case (the requesting institution's staff or an admin; optional If-Match, 412 when stale; audited)");
    }

    private static Task<IResult> AcceptAsync(Guid id, HttpContext http, IGrainFactory grains, AuditTrail audit) =>
        GrainProblems.RunAsync(async () =>
        {
            (CaseView? view, IResult? refusal) = await CaseAccess.LoadAsync(http, grains, audit, id, "case.accept",
                (scope, c) => scope.IsReader && scope.CanReadCase(c));
            if (view is null)
            {
                return refusal!;
            }

            if (await StaleAsync(http, audit, "case.accept", view) is { } stale)
            {
                return stale;
            }

            ICaseGrain grain = grains.GetGrain<ICaseGrain>(id);
            string outcome = "refused";
            try
            {
                await grain.AcceptAsync(http.Scope().Caller.UserId);
                outcome = "ok";
            }
            finally
            {
                await audit.RecordAsync(http, "case.accept", CaseAccess.Resource(id), view.PatientId, outcome);
            }

            return Changed(http, await grain.GetAsync());
        });

    /// <summary>
    /// Routing owns who reads what (load, specialty, duty), so a reassignment is a request to routing to move the case
    /// to the named reader (checked here to be on duty in the pool) or to whom it chooses; it answers 202 because
    /// routing acts asynchronously (one-way call). Only a case not yet accepted can move:
    /// once accepted the reader owns it (CaseGrain.AssignAsync allows New or Assigned only).
    /// </summary>
    private static Task<IResult> ReassignAsync(Guid id, ReassignRequest request, HttpContext http, IGrainFactory grains, AuditTrail audit) =>
        GrainProblems.RunAsync(async () =>
        {
            (CaseView? view, IResult? refusal) = await CaseAccess.LoadAsync(http, grains, audit, id, "case.reassign",
                (scope, c) => CaseAccess.IsAssignedReader(scope, c) || scope.CanManageCommunity(c.RoutedCommunityId));
            if (view is null)
            {
                return refusal!;
            }

            if (await StaleAsync(http, audit, "case.reassign", view) is { } stale)
            {
                return stale;
            }

            if (Reason(new ReasonRequest(request?.Reason)) is not { } reason)
            {
                await audit.RecordAsync(http, "case.reassign", CaseAccess.Resource(id), view.PatientId, "invalid");
                return ReasonMissing();
            }

            // A named reader must be able to take it now: enrolled in the pool's community with the specialty, on duty.
            string? to = string.IsNullOrWhiteSpace(request?.ReaderId) ? null : request.ReaderId.Trim();
            if (to is not null && (to == view.AssignedReaderId
                || !(await grains.GetGrain<ICommunityGrain>(view.RoutedCommunityId).GetReadersAsync(view.Specialty)).Contains(to)
                || !(await grains.GetGrain<IReaderGrain>(to).GetStatusAsync()).OnDuty))
            {
                await audit.RecordAsync(http, "case.reassign", CaseAccess.Resource(id), view.PatientId, "invalid");
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["readerId"] = [$"not another on-duty {view.Specialty} reader of {view.RoutedCommunityId}"],
                });
            }

            if (view.Status != CaseStatus.Assigned || view.AssignedReaderId is not { } from)
            {
                await audit.RecordAsync(http, "case.reassign", CaseAccess.Resource(id), view.PatientId, "conflict");
                throw new CaseTransitionException(id, view.Status, "reassign (only an assigned case not yet accepted moves)");
            }

            string actor = http.Scope().Caller.UserId;
            await grains.GetGrain<ICaseRoutingGrain>(RoutingKey.For(view.RoutedCommunityId, view.Specialty)).ReassignAsync(id, from, $"{actor}: {reason}", to);
            await audit.RecordAsync(http, "case.reassign", CaseAccess.Resource(id), view.PatientId, "ok");
            return Results.Accepted($"/api/cases/{id}", view);
        });

    private static Task<IResult> CancelAsync(Guid id, ReasonRequest request, HttpContext http, IGrainFactory grains, AuditTrail audit) =>
        GrainProblems.RunAsync(async () =>
        {
            (CaseView? view, IResult? refusal) = await CaseAccess.LoadAsync(http, grains, audit, id, "case.cancel",
                (scope, c) => (scope.IsStaff && scope.CanReadCase(c)) || scope.CanManageCommunity(c.CommunityId));
            if (view is null)
            {
                return refusal!;
            }

            if (await StaleAsync(http, audit, "case.cancel", view) is { } stale)
            {
                return stale;
            }

            if (Reason(request) is not { } reason)
            {
                await audit.RecordAsync(http, "case.cancel", CaseAccess.Resource(id), view.PatientId, "invalid");
                return ReasonMissing();
            }

            ICaseGrain grain = grains.GetGrain<ICaseGrain>(id);
            string outcome = "refused";
            try
            {
                await grain.CancelAsync(http.Scope().Caller.UserId, reason);
                outcome = "ok";
            }
            finally
            {
                await audit.RecordAsync(http, "case.cancel", CaseAccess.Resource(id), view.PatientId, outcome);
            }

            return Changed(http, await grain.GetAsync());
        });

    /// <summary>The 412 for an If-Match that names an older revision of the case (audited as "stale"), or null.</summary>
    private static async Task<IResult?> StaleAsync(HttpContext http, AuditTrail audit, string action, CaseView view)
    {
        if (CaseETag.Precondition(http.Request, view) is not { } stale)
        {
            return null;
        }

        await audit.RecordAsync(http, action, CaseAccess.Resource(view.CaseId), view.PatientId, "stale");
        return stale;
    }

    /// <summary>The case after the step, with the tag to make the next one against.</summary>
    private static IResult Changed(HttpContext http, CaseView view)
    {
        http.Response.Headers.ETag = CaseETag.Of(view);
        return Results.Ok(view);
    }

    private static string? Reason(ReasonRequest? request) =>
        request?.Reason is { } r && !string.IsNullOrWhiteSpace(r) && r.Length <= MaxReasonLength ? r.Trim() : null;

    private static IResult ReasonMissing() =>
        Results.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [$"why, 1–{MaxReasonLength} characters"] });
}

/// <summary>The body of a step that must say why (cancel).</summary>
internal sealed record ReasonRequest(string? Reason);

/// <summary>Why, and optionally to whom; without a reader routing chooses.</summary>
internal sealed record ReassignRequest(string? Reason, string? ReaderId);
