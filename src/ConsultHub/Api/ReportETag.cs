using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Primitives;
using Telemed.Grains.Reports;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// The entity tag of a report (RFC 9110 §8.8.3): a hash of its draft and every signed version, so any save, signature
/// or amendment changes it. Changes must name the tag they were made against in If-Match (§13.1.1); a stale one is
/// 412 Precondition Failed, none at all 428 Precondition Required (RFC 6585 §3), so two readers cannot overwrite
/// each other's work unseen.
/// </summary>
internal static class ReportETag
{
    public static string Of(ReportView report)
    {
        byte[] hash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(report));
        return $"\"{Convert.ToHexStringLower(hash.AsSpan(0, 16))}\"";
    }

    /// <summary>Null when the request's If-Match names the current tag, else the 428/412 problem to answer.</summary>
    public static IResult? Precondition(HttpRequest request, ReportView current)
    {
        StringValues ifMatch = request.Headers.IfMatch;
        if (StringValues.IsNullOrEmpty(ifMatch))
        {
            return Results.Problem(statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match required",
                detail: "send the report's ETag (from GET /api/cases/{id}/report) in If-Match");
        }

        string tag = Of(current);
        bool matches = ifMatch.SelectMany(v => (v ?? string.Empty).Split(',')).Select(t => t.Trim())
            .Any(t => t == "*" || t == tag);
        return matches
            ? null
            : Results.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "the report changed",
                detail: $"the report's ETag is now {tag}: read it again and reapply the change");
    }
}
