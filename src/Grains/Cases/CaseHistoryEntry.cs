namespace Telemed.Grains.Cases;

/// <summary>Who did what to a case, when, and the status it left the case in.</summary>
[GenerateSerializer, Immutable]
public sealed record CaseHistoryEntry(DateTimeOffset At, string Actor, string Action, CaseStatus Status, string? Detail = null);
