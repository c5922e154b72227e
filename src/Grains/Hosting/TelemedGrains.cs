using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Grains.Routing;

namespace Telemed.Grains.Hosting;

/// <summary>What a silo needs for the case workflow grains, besides grain storage named <see cref="StorageName"/> and reminders.</summary>
public static class TelemedGrains
{
    /// <summary>The grain storage every Telemed grain keeps its state in; the host registers a provider under this name.</summary>
    public const string StorageName = "telemed";

    /// <param name="builder">The silo.</param>
    /// <param name="configureTimers">How often open cases check their deadlines (default once a minute).</param>
    /// <param name="clock">The workflow's clock (default the system clock); tests pass a fake one to move time.</param>
    public static ISiloBuilder AddTelemedGrains(this ISiloBuilder builder, Action<CaseTimerOptions>? configureTimers = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(new WorkflowClock(clock ?? TimeProvider.System));
        builder.Services.TryAddSingleton<CommunitySettingsCache>();
        builder.Services.TryAddSingleton<InstitutionCommunities>();
        builder.Services.TryAddSingleton<RoutingDeadlines>();
        builder.Services.AddOptions<CaseTimerOptions>().Configure(o => configureTimers?.Invoke(o));
        return builder;
    }
}
