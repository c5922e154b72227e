using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Telemed.Grains.Hosting;
using Telemed.Storage.Catalog;
using Telemed.Storage.Orleans.Hosting;

namespace Telemed.CaseLoad;

/// <summary>
/// The hub's embedded mode without HTTP and the gateway: localhost clustering, grain state and reminders in a SQLite
/// catalog file (WAL, full sync, as <see cref="CatalogDatabase.OpenSqlite"/> sets up), the Telemed grains with the
/// default case timers (deadline checks once a minute).
/// </summary>
internal sealed class EmbeddedSilo : IAsyncDisposable
{
    private readonly IHost host;

    private EmbeddedSilo(IHost host, string databasePath)
    {
        this.host = host;
        DatabasePath = databasePath;
    }

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    public string DatabasePath { get; }

    public static async Task<EmbeddedSilo> StartAsync(string folder)
    {
        string databasePath = Path.Combine(folder, "catalog.db");
        Func<CatalogDbContext> openCatalog = () => CatalogDatabase.OpenSqlite(databasePath);
        await using (CatalogDbContext catalog = openCatalog())
        {
            await CatalogDatabase.MigrateAsync(catalog);
        }

        IHost host = new HostBuilder()
            .ConfigureLogging(logging => logging.AddConsole().SetMinimumLevel(LogLevel.Warning))
            .UseOrleans(silo => silo
                .UseLocalhostClustering(FreePort(), FreePort())
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = "telemed-caseload";
                    o.ServiceId = "telemed-caseload";
                })
                .AddCatalogGrainStorage(TelemedGrains.StorageName, openCatalog)
                .AddCatalogCaseIndex(openCatalog)
                .UseCatalogReminders(openCatalog)
                .AddTelemedGrains())
            .Build();
        await host.StartAsync();
        return new EmbeddedSilo(host, databasePath);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
