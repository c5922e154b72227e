namespace Telemed.Ecg.Rhythm;

/// <summary>A finding to put in front of the cardiologist (or the township staff, for technical flags), with its evidence.</summary>
public sealed record EcgFlag(EcgFlagKind Kind, EcgUrgency Urgency, string Summary, IReadOnlyList<EcgEvidence> Evidence)
{
    public override string ToString() => $"{Urgency} {Kind}: {Summary}";
}
