namespace Telemed.Grains.Communities;

public enum DutyRole
{
    /// <summary>Reads the pool's cases.</summary>
    Primary,

    /// <summary>On call: takes over when a case breaches its SLA.</summary>
    Backup,
}
