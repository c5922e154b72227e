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
    string Description);
