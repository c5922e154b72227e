using System.Globalization;
using System.Text;
using Hl7.Fhir.Serialization;
using R4 = Hl7.Fhir.Model;

namespace Telemed.ConsultHub.Fhir;

/// <summary>
/// A FHIR resource as an HTTP response: JSON (application/fhir+json, FHIR R4 §3.1.0.1.9 http.html#mime-type), with the
/// version as a weak ETag and Last-Modified when the resource carries meta (http.html#versioning). Errors are
/// OperationOutcome resources with the HTTP status (http.html#read: 404 unknown, 403 refused, 400 bad request).
/// </summary>
internal sealed class FhirResponse(R4.Resource resource, int status = StatusCodes.Status200OK) : IResult
{
    public const string MediaType = "application/fhir+json";

    // The serializer keeps no per-call state: one instance serves every request.
    private static readonly FhirJsonSerializer Serializer = new();

    public R4.Resource Resource { get; } = resource;

    public int Status { get; } = status;

    public static FhirResponse Ok(R4.Resource resource) => new(resource);

    public static FhirResponse NotFound(string diagnostics) => Outcome(StatusCodes.Status404NotFound, R4.OperationOutcome.IssueType.NotFound, diagnostics);

    public static FhirResponse Forbidden(string diagnostics) => Outcome(StatusCodes.Status403Forbidden, R4.OperationOutcome.IssueType.Forbidden, diagnostics);

    public static FhirResponse Invalid(string diagnostics) => Outcome(StatusCodes.Status400BadRequest, R4.OperationOutcome.IssueType.Invalid, diagnostics);

    public static FhirResponse NotAcceptable(string diagnostics) => Outcome(StatusCodes.Status406NotAcceptable, R4.OperationOutcome.IssueType.NotSupported, diagnostics);

    public static FhirResponse Outcome(int status, R4.OperationOutcome.IssueType type, string diagnostics) => new(new R4.OperationOutcome
    {
        Issue = [new R4.OperationOutcome.IssueComponent { Severity = R4.OperationOutcome.IssueSeverity.Error, Code = type, Diagnostics = diagnostics }],
    }, status);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        HttpResponse response = httpContext.Response;
        response.StatusCode = Status;
        response.ContentType = MediaType + "; charset=utf-8";
        if (Resource.Meta?.VersionId is { } version)
        {
            response.Headers.ETag = $"W/\"{version}\"";
        }

        if (Resource.Meta?.LastUpdated is { } updated)
        {
            response.Headers.LastModified = updated.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture);
        }

        bool pretty = string.Equals(httpContext.Request.Query["_pretty"], "true", StringComparison.OrdinalIgnoreCase);
        await response.WriteAsync(Serializer.SerializeToString(Resource, pretty), Encoding.UTF8, httpContext.RequestAborted);
    }
}
