namespace Telemed.Storage.Cases;

/// <summary>
/// How one priority kept its SLA: of the signed cases, how many were signed by their due time (and that as a
/// percentage, null without signed cases); how many breached their SLA (flagged by the case timer, any status); and how
/// many are still open past their due time.
/// </summary>
public sealed record SlaCompliance(string Priority, int Signed, int SignedWithinSla, double? PercentWithinSla, int Breached, int OpenPastDue);
