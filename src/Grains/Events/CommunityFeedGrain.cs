using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Telemed.Grains.Events;

internal sealed class CommunityFeedGrain(ILogger<CommunityFeedGrain> logger) : Grain, ICommunityFeedGrain
{
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(5);

    /// <summary>How many recent events the feed keeps for clients that reconnect (a busy county's hours, in memory).</summary>
    public const int Remembered = 2000;

    private readonly ObserverManager<ICommunityObserver> observers = new(SubscriptionLifetime, logger);
    private readonly Queue<CommunityEvent> recent = new();
    private readonly Guid epoch = Guid.NewGuid();
    private long sequence;

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
        ArgumentNullException.ThrowIfNull(communityEvent);
        CommunityEvent stamped = communityEvent with { Sequence = ++sequence, Epoch = epoch };
        recent.Enqueue(stamped);
        if (recent.Count > Remembered)
        {
            recent.Dequeue();
        }

        observers.Notify(o => _ = o.OnEventAsync(stamped));
        return Task.CompletedTask;
    }

    public Task<FeedPage> SinceAsync(Guid epoch, long afterSequence)
    {
        long oldest = recent.TryPeek(out CommunityEvent? first) ? first.Sequence : sequence + 1;
        bool complete = epoch == this.epoch && afterSequence <= sequence && afterSequence + 1 >= oldest;
        // Another epoch's numbers mean nothing here: everything remembered is offered, marked incomplete.
        long after = epoch == this.epoch ? afterSequence : 0;
        return Task.FromResult(new FeedPage(this.epoch, sequence, complete, [.. recent.Where(e => e.Sequence > after)]));
    }
}
