using System.Net;
using Telemed.ConsultHub.Api;
using Telemed.ConsultHub.Demo;
using Telemed.ConsultHub.Hosting;
using Telemed.ConsultHub.Ingest;
using Telemed.ConsultHub.Live;
using Telemed.ConsultHub.Viewer;
using Telemed.DeviceGateway.Hosting;
using Telemed.DeviceGateway.Ingest;
using Telemed.Grains.Hosting;
using Telemed.Storage.Catalog;
using Telemed.Storage.Orleans.Hosting;

// The one process that runs everything in the embedded mode: the Orleans silo (localhost clustering, grain state and
// reminders in the SQLite catalog), the device gateway (DICOM and ECG stream listeners) and HTTP. With --cluster
// (ClusterProfile) several such processes form one cluster over Redis membership and a PostgreSQL catalog.
// No reload-on-change of appsettings: its file watcher covers the whole content root recursively, and the data folder
// (blob store, thousands of directories) usually lives there: an inotify watch per directory, and events for every blob.
args = HubOptions.NormalizeArguments(args);
WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = [.. args, "--hostBuilder:reloadConfigOnChange=false"],
    // appsettings.json (log levels) is read from beside the program, wherever the hub is started from.
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Configuration.AddCommandLine(args, HubOptions.CommandLineSwitches.ToDictionary());
HubOptions hub = HubOptions.From(builder.Configuration);
Directory.CreateDirectory(hub.DataDirectory);
builder.WebHost.UseUrls(hub.Http);

Func<CatalogDbContext> openCatalog = hub.CatalogOpener();
await using (CatalogDbContext catalog = openCatalog())
{
    await CatalogDatabase.MigrateAsync(catalog);
}

builder.UseOrleans(silo => silo
    .UseTelemedClustering(hub)
    .AddCatalogGrainStorage(TelemedGrains.StorageName, openCatalog)
    .AddCatalogCaseIndex(openCatalog)
    .UseCatalogReminders(openCatalog)
    .AddTelemedGrains()
    .UseTelemedCaseTimers(hub));

builder.Services.AddSingleton(hub);
builder.Services.AddSingleton(openCatalog);
builder.Services.AddSingleton<IIngestSink, GrainIngestSink>();
builder.Services.AddSingleton(services => new GatewayService(new Telemed.DeviceGateway.Hosting.GatewayOptions
{
    DicomEndPoint = new IPEndPoint(IPAddress.Any, hub.DicomPort),
    EcgStreamEndPoint = new IPEndPoint(IPAddress.Any, hub.EcgStreamPort),
    BlobRoot = hub.BlobRoot,
    EcgSegmentRoot = Path.Combine(hub.DataDirectory, "ecg-streams"),
    DicomServerCertificate = DicomTlsFiles.ServerCertificate(hub),
    DicomClientCertificates = hub.DicomTlsClientCertificates,
    DicomTrustedClientCertificates = DicomTlsFiles.TrustedClients(hub),
}, openCatalog, services.GetRequiredService<IIngestSink>(), services.GetRequiredService<ILoggerFactory>(),
    services.GetRequiredService<Telemed.ConsultHub.Live.Ecg.EcgLiveRelay>()));
if (hub.Demo)
{
    // Before the gateway starts: it loads the device registry the seed fills.
    builder.Services.AddHostedService<DemoSeed>();
}

builder.Services.AddHostedService<GatewayHostedService>();
builder.AddTelemedApi(hub);
builder.AddTelemedLive(hub);

WebApplication app = builder.Build();
app.UseWebSockets();
app.UseViewer();
app.MapTelemedApi();
app.MapTelemedLive();
// ECG streams from browsers and devices that can only speak HTTP(S): the TCP protocol's frames in binary messages.
app.Map("/ecg-stream", async (HttpContext http, GatewayService gateway) =>
{
    if (!http.WebSockets.IsWebSocketRequest)
    {
        return Results.Problem("an ECG stream is a WebSocket carrying the frames of docs/protocols/ecg-stream.md", statusCode: 400);
    }

    // The session ends the WebSocket with a close handshake; disposing a Closed WebSocket leaves the connection to
    // close gracefully (only an Aborted one makes ASP.NET Core abort it, dropping unsent frames).
    using System.Net.WebSockets.WebSocket socket = await http.WebSockets.AcceptWebSocketAsync();
    await gateway.EcgStreams.HandleWebSocketAsync(socket, http.Connection.RemoteIpAddress?.ToString() ?? "?", http.RequestAborted);
    return Results.Empty;
});
app.MapGet("/health", (GatewayService gateway) => Results.Ok(new
{
    status = "ok",
    dicom = new { aeTitle = "TELEMED", port = gateway.DicomEndPoint.Port, tls = gateway.DicomTls },
    ecgStreams = new { port = gateway.EcgStreamEndPoint?.Port },
}));
// Last: every path no endpoint above claims is a client route of the viewer (server paths stay 404).
app.MapViewer();
await app.RunAsync();

/// <summary>The entry point, public so WebApplicationFactory can host the hub in tests.</summary>
public partial class Program;
