namespace Telemed.Grains.Cases;

/// <summary>Ordered most urgent first, so sorting by priority puts Stat at the head of a queue.</summary>
public enum CasePriority
{
    Stat,
    Urgent,
    Routine,
}
