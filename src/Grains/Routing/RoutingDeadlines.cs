using System.Collections.Concurrent;

namespace Telemed.Grains.Routing;

/// <summary>
/// The routing pools whose deadline reminder this silo has seen started. A case makes sure its pool's reminder exists
/// before its own state is stored, so that a New case whose one-way submit is lost is still found by the pool's next
/// tick. A pool keeps its reminder once started (pools are few: communities × specialties), so an entry never goes stale.
/// </summary>
internal sealed class RoutingDeadlines
{
    private readonly ConcurrentDictionary<string, byte> started = new(StringComparer.Ordinal);

    public async Task EnsureAsync(IGrainFactory grains, string poolKey)
    {
        if (started.ContainsKey(poolKey))
        {
            return;
        }

        await grains.GetGrain<ICaseRoutingGrain>(poolKey).StartDeadlinesAsync();
        started.TryAdd(poolKey, 0);
    }
}
