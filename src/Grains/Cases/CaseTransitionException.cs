namespace Telemed.Grains.Cases;

/// <summary>A lifecycle step the case's status does not allow (e.g. signing a case nobody accepted).</summary>
[GenerateSerializer]
public sealed class CaseTransitionException : InvalidOperationException
{
    public CaseTransitionException()
    {
    }

    public CaseTransitionException(string message)
        : base(message)
    {
    }

    public CaseTransitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CaseTransitionException(Guid caseId, CaseStatus status, string action)
        : base($"case {caseId}: cannot {action} while {status}")
    {
    }
}
