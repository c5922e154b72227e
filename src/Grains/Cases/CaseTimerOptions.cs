namespace Telemed.Grains.Cases;

/// <summary>
/// How often a routing pool wakes (through one durable reminder per pool) to compare its open cases' accept and SLA
/// deadlines with the clock and to resubmit cases it lost; a case whose index write failed wakes itself at the same
/// period until the index caught up. The period bounds how late a breach is noticed; tests shorten it together with
/// Orleans' minimum reminder period.
/// </summary>
public sealed class CaseTimerOptions
{
    public TimeSpan CheckPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
