using System.Collections.Concurrent;

namespace Telemed.Grains.Communities;

/// <summary>
/// Which community each institution belongs to, as the silo has seen it: an institution never changes community
/// (<see cref="IInstitutionGrain"/> refuses it), so an entry never goes stale and ingest skips a call per study.
/// </summary>
internal sealed class InstitutionCommunities
{
    private readonly ConcurrentDictionary<string, string> communities = new(StringComparer.Ordinal);

    /// <summary>The institution's community, or null when no community defines it (not remembered: it may be defined later).</summary>
    public async ValueTask<string?> CommunityOfAsync(IGrainFactory grains, string institutionId)
    {
        if (communities.TryGetValue(institutionId, out string? known))
        {
            return known;
        }

        InstitutionRecord? record = await grains.GetGrain<IInstitutionGrain>(institutionId).GetAsync();
        if (record is null)
        {
            return null;
        }

        communities[institutionId] = record.CommunityId;
        return record.CommunityId;
    }
}
