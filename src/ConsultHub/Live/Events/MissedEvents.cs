namespace Telemed.ConsultHub.Live.Events;

/// <summary>
/// The answer to Missed: the events this connection would have received after the position it passed, in feed order.
/// <see cref="Complete"/> false means some are gone (the feed restarted or remembers no further back): reload the lists
/// over REST. <see cref="Epoch"/> and <see cref="LastSequence"/> are the feed's position now.
/// </summary>
public sealed record MissedEvents(
    Guid Epoch,
    long LastSequence,
    bool Complete,
    IReadOnlyList<CaseEvent> Cases,
    IReadOnlyList<AlertEvent> Alerts,
    IReadOnlyList<WorklistEvent> Worklists);
