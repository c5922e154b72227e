using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.DeviceGateway.Hosting;
using Telemed.Storage.Catalog;

namespace Telemed.ConsultHub.DicomWeb;

/// <summary>
/// DICOMweb (PS3.18) under /dicomweb: QIDO-RS searches here, WADO-RS in <see cref="WadoEndpoints"/>, STOW-RS in
/// <see cref="StowEndpoints"/>. Same sign-in (cookie or bearer token) and the same scope as /api/studies; every read
/// of patient data is audited.
/// </summary>
public static class DicomWebEndpoints
{
    public static WebApplication MapDicomWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RouteGroupBuilder dicomweb = app.MapGroup("/dicomweb").RequireAuthorization().WithTags("DICOMweb");
        dicomweb.MapGet("/studies", (HttpContext http, Func<CatalogDbContext> open, GatewayService gateway, AuditTrail audit, IGrainFactory grains) =>
            SearchAsync(http, open, gateway, audit, grains, QidoLevel.Study, null, null)).WithSummary("QIDO-RS: search studies (application/dicom+json)");
        dicomweb.MapGet("/studies/{study}/series", (string study, HttpContext http, Func<CatalogDbContext> open, GatewayService gateway, AuditTrail audit, IGrainFactory grains) =>
            SearchAsync(http, open, gateway, audit, grains, QidoLevel.Series, study, null)).WithSummary("QIDO-RS: search a study's series");
        dicomweb.MapGet("/series", (HttpContext http, Func<CatalogDbContext> open, GatewayService gateway, AuditTrail audit, IGrainFactory grains) =>
            SearchAsync(http, open, gateway, audit, grains, QidoLevel.Series, null, null)).WithSummary("QIDO-RS: search series");
        dicomweb.MapGet("/studies/{study}/series/{series}/instances", (string study, string series, HttpContext http, Func<CatalogDbContext> open, GatewayService gateway, AuditTrail audit, IGrainFactory grains) =>
            SearchAsync(http, open, gateway, audit, grains, QidoLevel.Instance, study, series)).WithSummary("QIDO-RS: search a series' instances");
        dicomweb.MapGet("/studies/{study}/instances", (string study, HttpContext http, Func<CatalogDbContext> open, GatewayService gateway, AuditTrail audit, IGrainFactory grains) =>
            SearchAsync(http, open, gateway, audit, grains, QidoLevel.Instance, study, null)).WithSummary("QIDO-RS: search a study's instances");
        dicomweb.MapGet("/instances", (HttpContext http, Func<CatalogDbContext> open, GatewayService gateway, AuditTrail audit, IGrainFactory grains) =>
            SearchAsync(http, open, gateway, audit, grains, QidoLevel.Instance, null, null)).WithSummary("QIDO-RS: search instances");
        dicomweb.MapWado();
        dicomweb.MapStow();
        return app;
    }

    private static async Task<IResult> SearchAsync(HttpContext http, Func<CatalogDbContext> open, GatewayService gateway, AuditTrail audit, IGrainFactory grains,
        QidoLevel level, string? study, string? series)
    {
        string resource = "dicomweb" + http.Request.Path.Value?["/dicomweb".Length..];
        if (!AcceptedMediaType.Parse(http.Request).Any(a => !a.Multipart && (a.Admits(WadoEndpoints.DicomJson) || a.Admits("application/json"))))
        {
            return Results.Problem("search results are application/dicom+json", statusCode: StatusCodes.Status406NotAcceptable);
        }

        QidoQuery query = QidoQuery.Parse(level, http.Request.Query, study, series, out string? error);
        if (error is not null)
        {
            return Results.Problem(error, statusCode: StatusCodes.Status400BadRequest);
        }

        IReadOnlyList<string>? institutions = await DicomWebScope.ReadableInstitutionsAsync(http.Scope(), grains);
        if (institutions is null)
        {
            await audit.RecordAsync(http, "dicomweb.search", resource, (string?)null, "denied");
            return Results.Forbid();
        }

        IReadOnlyList<QidoMatch> matches;
        await using (CatalogDbContext catalog = open())
        {
            matches = await QidoSearch.RunAsync(catalog, query, institutions, http.RequestAborted);
        }

        await audit.RecordAsync(http, "dicomweb.search", resource, matches.Select(m => m.Row.PatientId), "ok");
        foreach (string warning in query.Warnings)
        {
            http.Response.Headers.Append("Warning", $"299 telemed \"{warning}\"");
        }

        http.Response.ContentType = WadoEndpoints.DicomJson;
        await QidoResponse.WriteAsync(http.Response.Body, query, matches, WadoEndpoints.BaseUrl(http.Request), gateway.Blobs, http.RequestAborted);
        return Results.Empty;
    }
}
