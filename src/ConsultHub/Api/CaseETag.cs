using Telemed.Grains.Cases;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// The entity tag of a case is the length of its history: the case grain records every change of the case (open,
/// assign, accept, cancel, timer, …) as one history entry, so the count is a revision that only grows. Unlike reports,
/// If-Match is optional on the case actions (accept, reassign, cancel): a client that sends it acts only on the case it
/// saw (412 when stale); one that does not acts as before, guarded only by the grain's status rules (409). The check
/// runs in the host just before the grain call, so a change landing between the two is caught by those status rules
/// rather than by the tag.
/// </summary>
internal static class CaseETag
{
    public static string Of(CaseView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return RevisionETag.Of(view.History.Count);
    }

    /// <summary>Null when the request may go ahead (no If-Match, "*", or the current tag), otherwise the 412 to answer.</summary>
    public static IResult? Precondition(HttpRequest request, CaseView current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return RevisionETag.OptionalPrecondition(request, current.History.Count, "case");
    }
}
