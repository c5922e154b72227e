namespace Telemed.Storage.Patients;

public enum PatientChangeOutcome
{
    Changed,
    NotFound,

    /// <summary>The patient changed since the version the caller named.</summary>
    Stale,

    /// <summary>An identifier is already linked to this patient: nothing to do.</summary>
    Unchanged,

    /// <summary>The institution's local id names another patient.</summary>
    Taken,

    /// <summary>The patient was merged into another (<see cref="Patient.MergedIntoId"/>) and takes no changes.</summary>
    Merged,
}

/// <summary>The patient after an edit or a link, with what happened; <see cref="TakenBy"/> names the other patient.</summary>
public sealed record PatientChange(PatientChangeOutcome Outcome, Patient? Patient, string? TakenBy = null);
