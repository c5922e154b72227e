using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Telemed.Grains.Events;

internal sealed class CommunityFeedGrain(ILogger<CommunityFeedGrain> logger) : Grain, ICommunityFeedGrain
{
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(5);

    private readonly ObserverManager<ICommunityObserver> observers = new(SubscriptionLifetime, logger);

    public Task SubscribeAsync(ICommunityObserver observer)
    {
        observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(ICommunityObserver observer)
    {
        observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task PublishAsync(CommunityEvent communityEvent)
    {
        observers.Notify(o => _ = o.OnEventAsync(communityEvent));
        return Task.CompletedTask;
    }
}
