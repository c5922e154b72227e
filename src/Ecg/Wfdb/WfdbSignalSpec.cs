namespace Telemed.Ecg.Wfdb;

/// <summary>One signal line of a WFDB header (PhysioNet "header(5)" format).</summary>
public sealed record WfdbSignalSpec(
    string FileName,
    int Format,
    int SamplesPerFrame,
    int Skew,
    long ByteOffset,
    double Gain,
    int Baseline,
    string Units,
    int AdcResolution,
    int AdcZero,
    int? InitialValue,
    int? Checksum,
    string Description)
{
    /// <summary>The header line this specification came from (1-based), or 0 if it was not parsed from a header.</summary>
    public int Line { get; init; }
}
