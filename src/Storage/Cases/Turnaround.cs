namespace Telemed.Storage.Cases;

/// <summary>
/// One turnaround interval over the cases that reached both ends of it: how many, and the median and 90th percentile
/// in minutes (linear interpolation between closest ranks; null when no case counts).
/// </summary>
public sealed record Turnaround(int Cases, double? MedianMinutes, double? P90Minutes);
