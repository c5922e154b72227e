using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Telemed.DeviceGateway.Hosting;
using Telemed.DeviceGateway.Ingest;
using Telemed.Storage.Catalog;

namespace Telemed.DeviceGateway.Tests.Support;

/// <summary>
/// A running <see cref="GatewayService"/> on a loopback port over a fresh SQLite catalog with DCMTK's default
/// calling titles registered for 127.0.0.1 (institution township-a), TOWNSHIP_B on 127.0.0.1 for institution
/// township-b, and one device registered elsewhere.
/// </summary>
internal sealed class DicomGatewayHarness : IAsyncDisposable
{
    private readonly TempDirectory temp = new();

    private DicomGatewayHarness()
    {
        Database = System.IO.Path.Combine(temp.Path, "catalog.db");
    }

    public string Root => temp.Path;

    public string Database { get; }

    public CollectingSink Sink { get; } = new();

    public GatewayService Gateway { get; private set; } = null!;

    public int Port => Gateway.DicomEndPoint.Port;

    /// <summary>The sink the running gateway hands events to (<see cref="Sink"/> unless another was given).</summary>
    public IIngestSink ActiveSink { get; private set; } = null!;

    public IngestDispatchOptions Dispatch { get; private set; } = new();

    private Func<GatewayOptions, GatewayOptions>? Configure { get; set; }

    public static async Task<DicomGatewayHarness> StartAsync(Func<GatewayOptions, GatewayOptions>? configure = null) =>
        await StartAsync(null, null, configure);

    public static async Task<DicomGatewayHarness> StartAsync(IIngestSink? sink, IngestDispatchOptions? dispatch = null,
        Func<GatewayOptions, GatewayOptions>? configure = null)
    {
        var harness = new DicomGatewayHarness();
        harness.ActiveSink = sink ?? harness.Sink;
        harness.Dispatch = dispatch ?? harness.Dispatch;
        harness.Configure = configure;
        await using (SqliteCatalogDbContext context = harness.OpenCatalog())
        {
            await CatalogDatabase.MigrateAsync(context);
            context.Devices.AddRange(
                new Device { Id = "storescu", Name = "DCMTK storescu", Kind = DeviceKind.Workstation, InstitutionId = "township-a", AeTitle = "STORESCU", AllowedAddresses = "127.0.0.1", MaxAssociations = 4 },
                new Device { Id = "echoscu", Name = "DCMTK echoscu", Kind = DeviceKind.Workstation, InstitutionId = "township-a", AeTitle = "ECHOSCU", AllowedAddresses = "127.0.0.1" },
                new Device { Id = "findscu", Name = "DCMTK findscu", Kind = DeviceKind.Workstation, InstitutionId = "township-a", AeTitle = "FINDSCU", AllowedAddresses = "127.0.0.1" },
                new Device { Id = "township-b-dr", Name = "Township B DR", Kind = DeviceKind.DigitalRadiography, InstitutionId = "township-b", AeTitle = "TOWNSHIP_B", AllowedAddresses = "127.0.0.1" },
                new Device { Id = "far-away", Name = "Other network", Kind = DeviceKind.DigitalRadiography, InstitutionId = "township-b", AeTitle = "FARDR", AllowedAddresses = "10.9.0.0/16" });
            await context.SaveChangesAsync();
        }

        await harness.StartGatewayAsync();
        return harness;
    }

    /// <summary>
    /// Stops the running gateway (the retries its dispatcher had planned go with it; only the outbox rows remain, as
    /// after a crash) and starts a new one over the same catalog and blobs, handing events to <paramref name="sink"/>.
    /// </summary>
    public async Task RestartAsync(IIngestSink sink)
    {
        await Gateway.DisposeAsync();
        ActiveSink = sink;
        await StartGatewayAsync();
    }

    private async Task StartGatewayAsync()
    {
        var options = new GatewayOptions
        {
            DicomEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            EcgStreamEndPoint = null,
            BlobRoot = System.IO.Path.Combine(Root, "blobs"),
            EcgSegmentRoot = System.IO.Path.Combine(Root, "ecg"),
            IngestDispatch = Dispatch,
        };
        Gateway = new GatewayService(Configure?.Invoke(options) ?? options, OpenCatalog, ActiveSink, NullLoggerFactory.Instance);
        await Gateway.StartAsync(CancellationToken.None);
    }

    public SqliteCatalogDbContext OpenCatalog() => CatalogDatabase.OpenSqlite(Database);

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        temp.Dispose();
    }
}
