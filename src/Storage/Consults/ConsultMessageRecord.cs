namespace Telemed.Storage.Consults;

/// <summary>
/// One chat message of a consult session (table consult_messages): a row per message, keyed by case and sequence, so
/// a message is one insert and history is a range scan. The sequence is assigned by the session's grain.
/// </summary>
public sealed class ConsultMessageRecord
{
    public Guid CaseId { get; set; }

    /// <summary>1, 2, 3, … within the session, without gaps.</summary>
    public long Sequence { get; set; }

    public required string SenderId { get; set; }

    /// <summary>UTC, whole milliseconds.</summary>
    public DateTimeOffset SentAt { get; set; }

    public required string Text { get; set; }
}
