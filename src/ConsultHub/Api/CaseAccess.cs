using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Cases;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// Loads a case for one request and decides, with <see cref="AccessScope"/>, whether the caller may act on it; every
/// outcome (not found, denied, allowed) is written to the audit log under the given action, since a case is patient data.
/// </summary>
internal static class CaseAccess
{
    /// <summary>The case when <paramref name="allowed"/> says yes, otherwise the 404/403 result (already audited).</summary>
    public static async Task<(CaseView? Case, IResult? Refusal)> LoadAsync(
        HttpContext http, IGrainFactory grains, AuditTrail audit, Guid id, string action, Func<AccessScope, CaseView, bool> allowed)
    {
        AccessScope scope = http.Scope();
        string resource = Resource(id);
        CaseView view;
        try
        {
            view = await grains.GetGrain<ICaseGrain>(id).GetAsync();
        }
        catch (KeyNotFoundException)
        {
            await audit.RecordAsync(http, action, resource, (string?)null, "not-found");
            return (null, Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"no case {id}"));
        }

        if (!allowed(scope, view))
        {
            await audit.RecordAsync(http, action, resource, view.PatientId, "denied", view.CommunityId);
            return (null, Results.Forbid());
        }

        return (view, null);
    }

    public static string Resource(Guid id) => $"case/{id}";

    /// <summary>The reader the case is assigned to, and only them, works on it.</summary>
    public static bool IsAssignedReader(AccessScope scope, CaseView view) =>
        scope.IsReader && scope.CanReadCase(view) && view.AssignedReaderId == scope.Caller.UserId;
}
