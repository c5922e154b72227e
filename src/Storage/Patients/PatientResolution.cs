namespace Telemed.Storage.Patients;

/// <summary>The patient an institution's local id names; <see cref="Created"/> when this call registered it.</summary>
public sealed record PatientResolution(Patient Patient, bool Created);
