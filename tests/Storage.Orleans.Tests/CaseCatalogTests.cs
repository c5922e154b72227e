using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.Storage.Orleans.Tests;

/// <summary>Case lists and the dashboard (CaseCatalog) on a real SQLite file and a real PostgreSQL database.</summary>
public sealed class CaseCatalogTests(PostgresServer server) : IClassFixture<PostgresServer>, IDisposable
{
    private readonly List<CatalogFile> files = [];

    public void Dispose()
    {
        foreach (CatalogFile file in files)
        {
            file.Dispose();
        }
    }

    private async Task<Func<CatalogDbContext>> SqliteAsync()
    {
        CatalogFile file = await CatalogFile.CreateAsync();
        files.Add(file);
        return file.Open;
    }

    [Fact]
    public async Task Sqlite_Lists_stay_in_scope_filter_and_page_newest_first() =>
        await CaseCatalogScenarios.Lists_stay_in_scope_filter_and_page_newest_first(await SqliteAsync());

    [Fact]
    public async Task Sqlite_The_dashboard_counts_volumes_turnaround_and_sla_per_institution() =>
        await CaseCatalogScenarios.The_dashboard_counts_volumes_turnaround_and_sla_per_institution(await SqliteAsync());

    [PostgresFact]
    public async Task Postgres_Lists_stay_in_scope_filter_and_page_newest_first() =>
        await CaseCatalogScenarios.Lists_stay_in_scope_filter_and_page_newest_first(await server.CreateCatalogAsync());

    [PostgresFact]
    public async Task Postgres_The_dashboard_counts_volumes_turnaround_and_sla_per_institution() =>
        await CaseCatalogScenarios.The_dashboard_counts_volumes_turnaround_and_sla_per_institution(await server.CreateCatalogAsync());
}
