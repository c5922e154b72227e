namespace Telemed.Grains.Cases;

/// <summary>
/// How often an open case wakes (through a durable reminder) to compare its accept and SLA deadlines with the clock.
/// The period bounds how late a breach is noticed; tests shorten it together with Orleans' minimum reminder period.
/// </summary>
public sealed class CaseTimerOptions
{
    public TimeSpan CheckPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
