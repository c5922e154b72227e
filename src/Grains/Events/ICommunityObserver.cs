namespace Telemed.Grains.Events;

/// <summary>Implemented by the host (one per node) to hear a community's events; see <see cref="ICommunityFeedGrain"/>.</summary>
public interface ICommunityObserver : IGrainObserver
{
    [OneWay]
    Task OnEventAsync(CommunityEvent communityEvent);
}
