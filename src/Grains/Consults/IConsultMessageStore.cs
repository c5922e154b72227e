namespace Telemed.Grains.Consults;

/// <summary>
/// Where consult sessions keep their messages and receipts (the host implements it over the catalog; grains know no
/// database). Only the session's grain writes, one call at a time, so the store needs no concurrency control of its own
/// beyond refusing a second row with the same case and sequence.
/// </summary>
public interface IConsultMessageStore
{
    /// <summary>The highest sequence stored for the session, 0 when it has none.</summary>
    Task<long> LastSequenceAsync(Guid caseId, CancellationToken cancellationToken = default);

    /// <summary>Inserts the message; throws when its sequence is taken.</summary>
    Task AppendAsync(ConsultMessage message, CancellationToken cancellationToken = default);

    /// <summary>Messages with a sequence above <paramref name="afterSequence"/>, in order, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ConsultMessage>> ReadAsync(Guid caseId, long afterSequence, int limit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ConsultReceipt>> ReceiptsAsync(Guid caseId, CancellationToken cancellationToken = default);

    /// <summary>Stores the receipt (the grain has already made it monotonic).</summary>
    Task SaveReceiptAsync(ConsultReceipt receipt, DateTimeOffset at, CancellationToken cancellationToken = default);
}
