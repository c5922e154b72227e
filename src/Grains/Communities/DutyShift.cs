namespace Telemed.Grains.Communities;

/// <summary>One line of a duty roster: who covers a specialty, from when to when, as primary or backup.</summary>
[GenerateSerializer, Immutable]
public sealed record DutyShift(string ReaderId, Specialty Specialty, DateTimeOffset From, DateTimeOffset To, DutyRole Role)
{
    public bool Covers(DateTimeOffset moment) => From <= moment && moment < To;
}
