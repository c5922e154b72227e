using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;
using Telemed.Grains.Hosting;
using Telemed.Storage.Catalog;
using Telemed.Storage.Orleans.Hosting;

namespace Telemed.Grains.Tests;

/// <summary>
/// A real in-process silo whose grain state and reminders live in a SQLite catalog file, with a fake clock for the
/// case deadlines. Deadline reminders tick every second here, so a deadline passed on the fake clock is noticed within
/// about a second of real time. Start a second one on the same file to test a restart.
/// </summary>
internal sealed class GrainCluster : IAsyncDisposable
{
    public const string ServiceId = "telemed-tests";

    private readonly InProcessTestCluster cluster;

    private GrainCluster(InProcessTestCluster cluster) => this.cluster = cluster;

    public IGrainFactory Grains => cluster.Client;

    public IClusterClient Client => cluster.Client;

    public static async Task<GrainCluster> StartAsync(string databasePath, FakeTimeProvider time)
    {
        Func<CatalogDbContext> open = () => CatalogDatabase.OpenSqlite(databasePath);
        await using (CatalogDbContext catalog = open())
        {
            await CatalogDatabase.MigrateAsync(catalog);
        }

        var builder = new InProcessTestClusterBuilder(1);
        // The same service id across restarts: reminders are stored per service.
        builder.Options.ServiceId = ServiceId;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddCatalogGrainStorage(TelemedGrains.StorageName, open)
                .AddCatalogCaseIndex(open)
                .UseCatalogReminders(open)
                .AddTelemedGrains(timers => timers.CheckPeriod = TimeSpan.FromSeconds(1), clock: time);
            silo.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        InProcessTestCluster built = builder.Build();
        await built.DeployAsync();
        return new GrainCluster(built);
    }

    public async ValueTask DisposeAsync()
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }
}
