namespace Telemed.Grains.Cases;

/// <summary>New → Assigned → InProgress → Preliminary → Signed (→ Amended); Cancelled from any open state.</summary>
public enum CaseStatus
{
    New,
    Assigned,
    InProgress,
    Preliminary,
    Signed,
    Amended,
    Cancelled,
}
