using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// Entity tags (RFC 9110 §8.8.3) for everything the API lets people edit concurrently — reports, patients, cases,
/// institutions, devices, users, settings, rosters: the owner's revision number, which every change advances. A change
/// names the tag it was made against in If-Match (§13.1.1): a stale one is 412 Precondition Failed, none 428
/// Precondition Required (RFC 6585 §3). The owner (grain or catalog row) compares the revision again inside the change
/// itself, so two edits made against the same tag cannot both pass.
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
        if (IfMatchTags(request) is not { } tags)
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match required",
                detail: $"send the {what}'s ETag (from its GET) in If-Match"));
        }

        if (tags.Contains("*"))
        {
            return (null, null);
        }

        return tags.Contains(Of(current)) ? (current, null) : (null, Stale(what, current));
    }

    /// <summary>
    /// For changes where If-Match is optional: null when the request may go ahead (no If-Match, "*", or the current tag),
    /// otherwise the 412 to answer.
    /// </summary>
    public static IResult? OptionalPrecondition(HttpRequest request, int current, string what) =>
        IfMatchTags(request) is not { } tags || tags.Contains("*") || tags.Contains(Of(current)) ? null : Stale(what, current);

    public static IResult Stale(string what, int current) => Stale(what, Of(current));

    public static IResult Stale(string what, string currentTag) =>
        Results.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: $"the {what} changed",
            detail: $"the {what}'s ETag is now {currentTag}: read it again and reapply the change");

    /// <summary>Sets the ETag header and answers 200 with the body.</summary>
    public static IResult Ok<T>(HttpContext http, T body, int revision)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.ETag = Of(revision);
        return Results.Ok(body);
    }

    /// <summary>The entity tags If-Match lists (comma separated, possibly over several headers); null when it is absent.</summary>
    private static string[]? IfMatchTags(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        StringValues ifMatch = request.Headers.IfMatch;
        return StringValues.IsNullOrEmpty(ifMatch)
            ? null
            : [.. ifMatch.SelectMany(v => (v ?? string.Empty).Split(',')).Select(t => t.Trim())];
    }
}
