namespace Telemed.Grains.Events;

/// <summary>
/// A community's change feed, keyed by community id. Grains publish one-way (they never wait for browsers);
/// subscriptions expire after <see cref="CommunityFeedGrain.SubscriptionLifetime"/>, so a host re-subscribes
/// periodically, which also heals a subscription lost with a silo.
/// </summary>
public interface ICommunityFeedGrain : IGrainWithStringKey
{
    Task SubscribeAsync(ICommunityObserver observer);

    Task UnsubscribeAsync(ICommunityObserver observer);

    [OneWay]
    Task PublishAsync(CommunityEvent communityEvent);

    /// <summary>
    /// The recent events after a sequence of an epoch, in order, from a bounded memory of the last
    /// <see cref="CommunityFeedGrain.Remembered"/> events; incomplete when the epoch changed or the memory no longer
    /// reaches back that far (the client then reloads its lists).
    /// </summary>
    Task<FeedPage> SinceAsync(Guid epoch, long afterSequence);
}
