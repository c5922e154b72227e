using System.Globalization;
using Microsoft.Extensions.Primitives;
using Telemed.Grains.Reports;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// The entity tag of a report (RFC 9110 §8.8.3) is its revision in the report grain, which every save, signature or
/// amendment advances. Changes must name the tag they were made against in If-Match (§13.1.1); a stale one is 412
/// Precondition Failed, none at all 428 Precondition Required (RFC 6585 §3). The grain compares the revision inside
/// the call that changes the report, so two readers cannot both pass the check and overwrite each other's work.
/// </summary>
internal static class ReportETag
{
    public static string Of(ReportView report) => $"\"{report.Revision.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>
    /// The revision the request's If-Match names (null for "*": any), or the 428/412 problem to answer when it names
    /// none or not the current one.
    /// </summary>
    public static (int? Expected, IResult? Failure) Precondition(HttpRequest request, ReportView current)
    {
        StringValues ifMatch = request.Headers.IfMatch;
        if (StringValues.IsNullOrEmpty(ifMatch))
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match required",
                detail: "send the report's ETag (from GET /api/cases/{id}/report) in If-Match"));
        }

        string tag = Of(current);
        string[] tags = [.. ifMatch.SelectMany(v => (v ?? string.Empty).Split(',')).Select(t => t.Trim())];
        if (tags.Contains("*"))
        {
            return (null, null);
        }

        return tags.Contains(tag) ? (current.Revision, null) : (null, Stale(tag));
    }

    public static IResult Stale(string currentTag) =>
        Results.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "the report changed",
            detail: $"the report's ETag is now {currentTag}: read it again and reapply the change");
}
