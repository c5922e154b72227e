namespace Telemed.Ecg.Rhythm;

/// <summary>What the flags need to know about the patient; unknown fields are null (the most sensitive thresholds are used then).</summary>
public sealed record PatientContext(Sex? Sex, int? AgeYears);
