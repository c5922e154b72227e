using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Telemed.Grains.Cases;

namespace Telemed.Grains.Hosting;

/// <summary>What a silo needs for the case workflow grains, besides grain storage named <see cref="StorageName"/> and reminders.</summary>
public static class TelemedGrains
{
    /// <summary>The grain storage every Telemed grain keeps its state in; the host registers a provider under this name.</summary>
    public const string StorageName = "telemed";

    public static ISiloBuilder AddTelemedGrains(this ISiloBuilder builder, Action<CaseTimerOptions>? configureTimers = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Deadlines are computed from this clock, so tests can move time instead of waiting for it.
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<CaseTimerOptions>().Configure(o => configureTimers?.Invoke(o));
        return builder;
    }
}
