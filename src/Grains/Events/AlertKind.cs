namespace Telemed.Grains.Events;

public enum AlertKind
{
    /// <summary>A Stat case (e.g. a suspected STEMI) was given to a reader.</summary>
    StatCase,

    /// <summary>A case passed its SLA unsigned and was escalated.</summary>
    SlaBreached,

    /// <summary>A case could be placed with no reader: nobody of its specialty is on duty.</summary>
    NoReaderOnDuty,
}
