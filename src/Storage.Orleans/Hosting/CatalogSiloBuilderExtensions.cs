using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Telemed.Grains.Cases;
using Telemed.Storage.Catalog;
using Telemed.Storage.Orleans.Cases;
using Telemed.Storage.Orleans.GrainState;
using Telemed.Storage.Orleans.Reminders;

namespace Telemed.Storage.Orleans.Hosting;

/// <summary>
/// Puts a silo's grain state and reminders into the catalog database. The caller opens the catalog (SQLite or
/// PostgreSQL) and must have applied its migrations (<see cref="CatalogDatabase.MigrateAsync"/>) before the silo starts.
/// </summary>
public static class CatalogSiloBuilderExtensions
{
    /// <summary>JSON for stored state: enums by name, so a row stays readable and survives reordering an enum.</summary>
    public static JsonSerializerOptions StateJson { get; } = new(JsonSerializerDefaults.General)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static ISiloBuilder AddCatalogGrainStorage(this ISiloBuilder builder, string name, Func<CatalogDbContext> openCatalog)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddGrainStorage(name, (_, _) => new CatalogGrainStorage(openCatalog, StateJson));
        return builder;
    }

    /// <summary>The case grains' index (<see cref="ICaseIndex"/>) in the catalog's <c>case_records</c>.</summary>
    public static ISiloBuilder AddCatalogCaseIndex(this ISiloBuilder builder, Func<CatalogDbContext> openCatalog)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ICaseIndex>(new CatalogCaseIndex(openCatalog));
        return builder;
    }

    public static ISiloBuilder UseCatalogReminders(this ISiloBuilder builder, Func<CatalogDbContext> openCatalog)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddReminders();
        builder.Services.AddSingleton<IReminderTable>(services =>
            new CatalogReminderTable(openCatalog, services.GetRequiredService<IOptions<ClusterOptions>>()));
        return builder;
    }
}
