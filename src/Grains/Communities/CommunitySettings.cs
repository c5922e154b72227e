using Telemed.Grains.Cases;

namespace Telemed.Grains.Communities;

/// <summary>
/// Per-community service levels. Defaults follow the county targets: a Stat ECG read within 10 minutes, Urgent within
/// 30, Routine within a day.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CommunitySettings
{
    public static CommunitySettings Default { get; } = new();

    [Id(0)] public TimeSpan StatSla { get; init; } = TimeSpan.FromMinutes(10);

    [Id(1)] public TimeSpan UrgentSla { get; init; } = TimeSpan.FromMinutes(30);

    [Id(2)] public TimeSpan RoutineSla { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long an assigned reader has to accept before the case goes to someone else.</summary>
    [Id(3)] public TimeSpan AcceptTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Open cases a reader holds before Urgent and Routine cases wait; Stat cases ignore it.</summary>
    [Id(4)] public int MaxOpenCasesPerReader { get; init; } = 8;

    /// <summary>The community of the upper-level (city) hospital for overflow and second opinions; null if none.</summary>
    [Id(5)] public string? UpperLevelCommunityId { get; init; }

    /// <summary>
    /// What is wrong with these settings for an admin's change, empty when nothing: durations positive, a Stat SLA no
    /// longer than Urgent and Urgent no longer than Routine (a higher priority never waits longer), the accept timeout
    /// shorter than the Stat SLA (or a Stat case could breach before its first reader had the chance to refuse it).
    /// </summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (StatSla <= TimeSpan.Zero || UrgentSla <= TimeSpan.Zero || RoutineSla <= TimeSpan.Zero || AcceptTimeout <= TimeSpan.Zero)
        {
            problems.Add("SLAs and the accept timeout must be positive");
        }

        if (StatSla > UrgentSla || UrgentSla > RoutineSla)
        {
            problems.Add("the SLAs must satisfy Stat ≤ Urgent ≤ Routine");
        }

        if (AcceptTimeout >= StatSla)
        {
            problems.Add("the accept timeout must be shorter than the Stat SLA");
        }

        if (RoutineSla > TimeSpan.FromDays(30))
        {
            problems.Add("an SLA is at most 30 days");
        }

        if (MaxOpenCasesPerReader is < 1 or > 10_000)
        {
            problems.Add("the open-case limit per reader is between 1 and 10,000");
        }

        if (UpperLevelCommunityId is { } upper && string.IsNullOrWhiteSpace(upper))
        {
            problems.Add("the upper-level community is an id or null");
        }

        return problems;
    }

    public TimeSpan SlaFor(CasePriority priority) => priority switch
    {
        CasePriority.Stat => StatSla,
        CasePriority.Urgent => UrgentSla,
        _ => RoutineSla,
    };
}
