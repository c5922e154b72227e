namespace Telemed.Storage.Consults;

/// <summary>
/// How far one participant has received and read a session (table consult_receipts). Receipts are cumulative, like
/// the sequence numbers they point at: "delivered through 41, read through 37" is one row per participant instead of a
/// row per message and reader.
/// </summary>
public sealed class ConsultReceiptRecord
{
    public Guid CaseId { get; set; }

    public required string UserId { get; set; }

    public long DeliveredThrough { get; set; }

    public long ReadThrough { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
