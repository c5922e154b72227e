namespace Telemed.Grains.Events;

internal static class CommunityFeed
{
    /// <summary>Fire and forget: a slow or absent subscriber never holds up the case workflow.</summary>
    public static void Publish(IGrainFactory grains, string communityId, CommunityEvent communityEvent) =>
        _ = grains.GetGrain<ICommunityFeedGrain>(communityId).PublishAsync(communityEvent);
}
