namespace Telemed.Storage.Catalog;

/// <summary>
/// One "ingested" event not yet handed on (the transactional outbox): written in the same database transaction as
/// the object it announces, so an acknowledgement to a device implies the event is durable; deleted once delivered.
/// The payload is opaque text here (the gateway's event as JSON): storage knows nothing of what it says.
/// </summary>
public sealed class PendingIngestEvent
{
    public long Id { get; set; }

    /// <summary>What the event is about (kind, SOP Instance UID, blob hash): one pending row per object version.</summary>
    public required string EventKey { get; set; }

    public required string Payload { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    /// <summary>Failed deliveries so far.</summary>
    public int Attempts { get; set; }

    public string? LastError { get; set; }

    /// <summary>Not tried again before this time (backoff after a failure).</summary>
    public DateTime NextAttemptAtUtc { get; set; }

    /// <summary>Set when the event was given up on (refused too often): kept with its error for a person to see.</summary>
    public DateTime? ParkedAtUtc { get; set; }
}
