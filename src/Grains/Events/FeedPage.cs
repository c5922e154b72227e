namespace Telemed.Grains.Events;

/// <summary>
/// Events a client missed: <see cref="Complete"/> says they are all of them; otherwise some are gone (the feed was
/// reactivated or remembers no further back) and the client reloads. <see cref="Epoch"/> and <see cref="LastSequence"/>
/// are where to resume from next time.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record FeedPage(Guid Epoch, long LastSequence, bool Complete, IReadOnlyList<CommunityEvent> Events);
