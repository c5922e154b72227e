namespace Telemed.Storage.Patients;

/// <summary>What a registration or an edit says about a patient; <see cref="Name"/> is a DICOM PN value.</summary>
public sealed record PatientDetails(string Name, string? Sex, DateOnly? BirthDate);
