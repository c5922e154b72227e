using Microsoft.Extensions.Time.Testing;
using Telemed.Grains.Events;
using Xunit;

namespace Telemed.Grains.Tests;

/// <summary>The community feed numbers its events and remembers the recent ones for clients that reconnect.</summary>
public sealed class CommunityFeedTests : IAsyncLifetime
{
    private readonly TestFolder folder = new();
    private GrainCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await GrainCluster.StartAsync(folder.DatabasePath, new FakeTimeProvider());

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        folder.Delete();
    }

    [Fact]
    public async Task Missed_events_come_back_in_order_while_remembered_and_incomplete_beyond()
    {
        ICommunityFeedGrain feed = cluster.Grains.GetGrain<ICommunityFeedGrain>("feed-" + Guid.NewGuid().ToString("N"));
        int total = CommunityFeedGrain.Remembered + 10;
        for (int i = 1; i <= total; i++)
        {
            await feed.PublishAsync(new WorklistChanged("card-a", i));
        }

        FeedPage start = await Eventually.Until(() => feed.SinceAsync(Guid.Empty, 0), p => p.LastSequence == total, "every event published");
        Assert.False(start.Complete); // another epoch: nothing can be resumed
        Guid epoch = start.Epoch;

        FeedPage recent = await feed.SinceAsync(epoch, total - 5);
        Assert.True(recent.Complete);
        Assert.Equal(Enumerable.Range(total - 4, 5).Select(i => (long)i), recent.Events.Select(e => e.Sequence));
        Assert.All(recent.Events, e => Assert.Equal(epoch, e.Epoch));

        FeedPage oldest = await feed.SinceAsync(epoch, 10);
        Assert.True(oldest.Complete);
        Assert.Equal(CommunityFeedGrain.Remembered, oldest.Events.Count);

        FeedPage tooOld = await feed.SinceAsync(epoch, 5);
        Assert.False(tooOld.Complete);
        Assert.Equal(11, tooOld.Events[0].Sequence);
        Assert.Empty((await feed.SinceAsync(epoch, total)).Events);
    }
}
