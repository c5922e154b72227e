using Microsoft.AspNetCore.SignalR;
using Telemed.Grains.Events;

namespace Telemed.ConsultHub.Live.Events;

/// <summary>
/// Carries grain events to this node's SignalR connections. The node subscribes to the feed (<see
/// cref="ICommunityFeedGrain"/>) of each community that has a connection here, with one grain observer reference per
/// community so it knows which feed an event came from (a case routed to another community is published to both
/// feeds). Orleans observers expire, so subscriptions are renewed well inside their lifetime; a community whose last
/// connection left is no longer renewed and lapses. Every node subscribes for its own connections, which is why the
/// events hub never goes over the SignalR backplane: each event would arrive once per node.
/// </summary>
public sealed partial class CommunityFeedBridge(
    IGrainFactory grains,
    IHubContext<CaseEventsHub, ICaseEventsClient> hub,
    TimeProvider clock,
    ILogger<CommunityFeedBridge> logger) : IHostedService, IDisposable
{
    /// <summary>A fifth of <see cref="CommunityFeedGrain"/>'s five-minute lifetime: a lost renewal or two is harmless.</summary>
    public static readonly TimeSpan RenewPeriod = TimeSpan.FromMinutes(1);

    private readonly ILogger log = logger;
    private readonly Lock gate = new();
    private readonly Dictionary<string, Feed> feeds = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private Task? renewing;

    /// <summary>A connection of this community arrived: make sure its feed reaches this node (awaited, so events after the connect are not missed).</summary>
    public async Task WatchAsync(string communityId)
    {
        Feed feed;
        lock (gate)
        {
            if (!feeds.TryGetValue(communityId, out feed!))
            {
                feeds[communityId] = feed = new Feed(this, communityId);
            }

            feed.Connections++;
        }

        await feed.SubscribeAsync(grains);
    }

    public void Unwatch(string communityId)
    {
        lock (gate)
        {
            if (feeds.TryGetValue(communityId, out Feed? feed))
            {
                feed.Connections = Math.Max(0, feed.Connections - 1);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        renewing = RenewAsync(stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        if (renewing is not null)
        {
            await renewing.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose() => stopping.Dispose();

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RenewPeriod, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                List<Feed> watched;
                lock (gate)
                {
                    // A feed nobody here watches is dropped and lapses at the grain within its lifetime.
                    foreach (string idle in feeds.Where(f => f.Value.Connections == 0).Select(f => f.Key).ToList())
                    {
                        feeds.Remove(idle);
                    }

                    watched = [.. feeds.Values];
                }

                foreach (Feed feed in watched)
                {
                    try
                    {
                        await feed.SubscribeAsync(grains);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        LogRenewFailed(log, feed.CommunityId, e);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private Task ForwardAsync(string communityId, CommunityEvent communityEvent)
    {
        IReadOnlyList<string> audience = CaseEvents.Audience(communityId, communityEvent);
        if (audience.Count == 0)
        {
            return Task.CompletedTask;
        }

        // The audience's groups never overlap (one role group per connection, user groups only for addressed
        // alerts), so nobody receives an event twice.
        ICaseEventsClient clients = hub.Clients.Groups(audience);
        DateTimeOffset now = clock.GetUtcNow();
        return communityEvent switch
        {
            CaseChanged changed => clients.Case(CaseEvents.From(changed, communityId, now)),
            AlertRaised alert => clients.Alert(CaseEvents.From(alert, now)),
            WorklistChanged worklist => clients.Worklist(CaseEvents.From(worklist, now)),
            _ => Task.CompletedTask,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "renewing the subscription to community {CommunityId}'s feed failed; retrying at the next period")]
    private static partial void LogRenewFailed(ILogger logger, string communityId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pushing an event of community {CommunityId} failed")]
    private static partial void LogForwardFailed(ILogger logger, string communityId, Exception exception);

    /// <summary>One community's feed as this node hears it; the grain observer object must stay referenced while subscribed.</summary>
    private sealed class Feed(CommunityFeedBridge bridge, string communityId) : ICommunityObserver
    {
        private ICommunityObserver? reference;

        public string CommunityId => communityId;

        public int Connections { get; set; }

        public Task SubscribeAsync(IGrainFactory grains)
        {
            reference ??= grains.CreateObjectReference<ICommunityObserver>(this);
            return grains.GetGrain<ICommunityFeedGrain>(communityId).SubscribeAsync(reference);
        }

        public Task OnEventAsync(CommunityEvent communityEvent)
        {
            // One-way: the feed grain does not wait for browsers, and neither does this.
            _ = ForwardLoggedAsync(communityEvent);
            return Task.CompletedTask;
        }

        private async Task ForwardLoggedAsync(CommunityEvent communityEvent)
        {
            try
            {
                await bridge.ForwardAsync(communityId, communityEvent);
            }
            catch (Exception e)
            {
                LogForwardFailed(bridge.log, communityId, e);
            }
        }
    }
}
