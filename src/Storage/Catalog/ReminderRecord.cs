namespace Telemed.Storage.Catalog;

/// <summary>
/// A durable reminder row (SLA and accept-timeout timers must survive a restart). <see cref="GrainHash"/> is the
/// grain's uniform hash, by which each silo reads the slice of reminders it owns.
/// </summary>
public sealed class ReminderRecord
{
    public required string ServiceId { get; set; }

    public required string GrainId { get; set; }

    public required string ReminderName { get; set; }

    /// <summary>The unsigned 32-bit uniform hash, widened so both providers compare it as an ordinary integer.</summary>
    public long GrainHash { get; set; }

    public DateTime StartAtUtc { get; set; }

    public long PeriodTicks { get; set; }

    public long Version { get; set; }
}
