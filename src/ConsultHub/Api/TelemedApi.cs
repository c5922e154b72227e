using System.Text.Json.Serialization;
using Scalar.AspNetCore;
using Telemed.ConsultHub.Auth;
using Telemed.ConsultHub.DicomWeb;
using Telemed.ConsultHub.Hosting;
using Telemed.ConsultHub.Uploads;
using Telemed.Storage.Cases;
using Telemed.Storage.Catalog;
using Telemed.Storage.Patients;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// The REST API under /api: every route requires a signed-in user (cookie or bearer token) except sign-in itself;
/// scope is checked per request by <see cref="AccessScope"/>. OpenAPI document at /openapi/v1.json, Scalar UI at /scalar.
/// </summary>
public static class TelemedApi
{
    public static WebApplicationBuilder AddTelemedApi(this WebApplicationBuilder builder, HubOptions hub)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddTelemedAuth(hub);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton(s => new CaseCatalog(s.GetRequiredService<Func<CatalogDbContext>>()));
        builder.Services.AddSingleton(s => new PatientDirectory(s.GetRequiredService<Func<CatalogDbContext>>(), s.GetService<TimeProvider>()));
        builder.Services.AddSingleton<ReferralProjection>();
        builder.AddTelemedUploads(hub);
        return builder;
    }

    public static WebApplication MapTelemedApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapOpenApi();
        app.MapScalarApiReference();

        RouteGroupBuilder api = app.MapGroup("/api").RequireAuthorization();
        api.MapAuth();
        api.MapTokens();
        api.MapInstitutions();
        api.MapUsers();
        api.MapCases();
        api.MapReports();
        api.MapWorklist();
        api.MapStudies();
        api.MapAudit();
        api.MapDevices();
        api.MapCommunities();
        api.MapReaders();
        api.MapDashboard();
        api.MapPatients();
        api.MapReferrals();
        Telemed.ConsultHub.Fhir.FhirEndpoints.MapFhir(app);
        api.MapEcgs();
        api.MapUploads();
        app.MapDicomWeb();
        return app;
    }
}
