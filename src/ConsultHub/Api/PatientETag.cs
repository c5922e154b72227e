using System.Globalization;
using Microsoft.Extensions.Primitives;
using Telemed.Storage.Patients;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// The entity tag of a patient (RFC 9110 §8.8.3) is its row version, which every edit or new local id advances. An
/// edit must name it in If-Match (§13.1.1): none is 428 Precondition Required (RFC 6585 §3), another one 412
/// Precondition Failed. The directory compares the version again in the UPDATE itself, so two edits made against the
/// same tag cannot both pass.
/// </summary>
internal static class PatientETag
{
    public static string Of(Patient patient) => $"\"{patient.Version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>The version If-Match names (null for "*": any), or the 428/412 problem to answer.</summary>
    public static (int? Expected, IResult? Failure) Precondition(HttpRequest request, Patient current)
    {
        StringValues ifMatch = request.Headers.IfMatch;
        if (StringValues.IsNullOrEmpty(ifMatch))
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match required",
                detail: "send the patient's ETag (from GET /api/patients/{id}) in If-Match"));
        }

        string[] tags = [.. ifMatch.SelectMany(v => (v ?? string.Empty).Split(',')).Select(t => t.Trim())];
        if (tags.Contains("*"))
        {
            return (null, null);
        }

        string tag = Of(current);
        return tags.Contains(tag) ? (current.Version, null) : (null, Stale(tag));
    }

    public static IResult Stale(string currentTag) =>
        Results.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "the patient changed",
            detail: $"the patient's ETag is now {currentTag}: read it again and reapply the change");
}
