namespace Telemed.Grains.Reports;

/// <summary>
/// A change was made against a revision of the report that is no longer current: someone saved, signed or amended in
/// between. Checked inside the grain, whose calls run one at a time, so two writers cannot both pass the check.
/// </summary>
[GenerateSerializer]
public sealed class ReportChangedException : InvalidOperationException
{
    public ReportChangedException()
    {
    }

    public ReportChangedException(string message)
        : base(message)
    {
    }

    public ReportChangedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ReportChangedException(Guid caseId, int expected, int current)
        : base($"case {caseId}: the report is at revision {current}, not {expected}")
    {
    }
}
