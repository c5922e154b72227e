using System.Collections.Concurrent;

namespace Telemed.Grains.Communities;

/// <summary>
/// The silo's copy of each community's settings, so that opening a case does not cost a call to the community grain
/// (one message per case; bench/RESULTS.md, case load). The community grain drops its entry here when the settings
/// change, which is immediate on the silo hosting it; a copy on another silo of a cluster is used for at most
/// <see cref="MaxAge"/> after a change.
/// </summary>
internal sealed class CommunitySettingsCache
{
    /// <summary>How long another silo may keep using settings changed elsewhere.</summary>
    internal static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    /// <summary>Advanced by every invalidation: a fetch that started before one must not store what it read.</summary>
    private long generation;

    public async ValueTask<CommunitySettings> GetAsync(IGrainFactory grains, string communityId)
    {
        long now = Environment.TickCount64;
        if (entries.TryGetValue(communityId, out Entry? entry) && now - entry.FetchedAt < (long)MaxAge.TotalMilliseconds)
        {
            return entry.Settings;
        }

        long before = Interlocked.Read(ref generation);
        CommunitySettings settings = await grains.GetGrain<ICommunityGrain>(communityId).GetSettingsAsync();
        if (Interlocked.Read(ref generation) == before)
        {
            entries[communityId] = new Entry(settings, now);
        }

        return settings;
    }

    /// <summary>Called by the community grain after it stored new settings.</summary>
    public void Invalidate(string communityId)
    {
        Interlocked.Increment(ref generation);
        entries.TryRemove(communityId, out _);
    }

    private sealed record Entry(CommunitySettings Settings, long FetchedAt);
}
