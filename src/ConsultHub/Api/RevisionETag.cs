using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// Entity tags for what admins edit (institutions, devices, users, settings, rosters): the owner's revision number,
/// as <see cref="ReportETag"/> does for reports (RFC 9110 §8.8.3). A change names the tag it was made against in
/// If-Match (§13.1.1): a stale one is 412, none 428 (RFC 6585 §3); the owner (grain or catalog row) checks the
/// revision again inside the change, so a concurrent change in between is 412 too.
/// </summary>
internal static class RevisionETag
{
    public static string Of(int revision) => $"\"{revision.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>
    /// The revision If-Match names (null for "*": any), or the 428/412 problem to answer when it names none or not the
    /// current one.
    /// </summary>
    public static (int? Expected, IResult? Failure) Precondition(HttpRequest request, int current, string what)
    {
        ArgumentNullException.ThrowIfNull(request);
        StringValues ifMatch = request.Headers.IfMatch;
        if (StringValues.IsNullOrEmpty(ifMatch))
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match required",
                detail: $"send the {what}'s ETag (from its GET) in If-Match"));
        }

        string[] tags = [.. ifMatch.SelectMany(v => (v ?? string.Empty).Split(',')).Select(t => t.Trim())];
        if (tags.Contains("*"))
        {
            return (null, null);
        }

        return tags.Contains(Of(current)) ? (current, null) : (null, Stale(what, current));
    }

    public static IResult Stale(string what, int current) =>
        Results.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: $"the {what} changed",
            detail: $"the {what}'s ETag is now {Of(current)}: read it again and reapply the change");

    /// <summary>Sets the ETag header and answers 200 with the body.</summary>
    public static IResult Ok<T>(HttpContext http, T body, int revision)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.ETag = Of(revision);
        return Results.Ok(body);
    }
}
