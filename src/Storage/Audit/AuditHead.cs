namespace Telemed.Storage.Audit;

/// <summary>
/// The anchor of the audit chain: one row naming the newest entry's sequence number and hash, moved forward in the
/// same transaction as every append. Walking the chain proves the entries agree with each other, but a log whose newest
/// entries were deleted is still a valid, shorter chain; the head remembers where the chain ended, so verification
/// reports such a cut. Database triggers (CatalogDatabase.MigrateAsync) refuse deleting the row or moving it backwards.
/// </summary>
public sealed class AuditHead
{
    /// <summary>The one row's key.</summary>
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    /// <summary>The newest entry's <see cref="AuditEntry.Sequence"/>.</summary>
    public long Sequence { get; set; }

    /// <summary>The newest entry's <see cref="AuditEntry.Hash"/>.</summary>
    public required string Hash { get; set; }
}
