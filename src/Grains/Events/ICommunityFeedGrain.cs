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
}
