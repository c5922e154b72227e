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

    public TimeSpan SlaFor(CasePriority priority) => priority switch
    {
        CasePriority.Stat => StatSla,
        CasePriority.Urgent => UrgentSla,
        _ => RoutineSla,
    };
}
