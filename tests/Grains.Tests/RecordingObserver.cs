using System.Collections.Concurrent;
using Telemed.Grains.Events;

namespace Telemed.Grains.Tests;

/// <summary>Stands in for the host's hub: keeps every community event it hears.</summary>
internal sealed class RecordingObserver : ICommunityObserver
{
    private readonly ConcurrentQueue<CommunityEvent> events = new();

    public IReadOnlyList<CommunityEvent> Events => [.. events];

    public Task OnEventAsync(CommunityEvent communityEvent)
    {
        events.Enqueue(communityEvent);
        return Task.CompletedTask;
    }

    public IReadOnlyList<AlertRaised> Alerts => [.. events.OfType<AlertRaised>()];
}
