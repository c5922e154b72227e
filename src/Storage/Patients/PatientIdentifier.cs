namespace Telemed.Storage.Patients;

/// <summary>
/// The id an institution uses for a community patient. An institution's local id names one patient only (the key);
/// one patient may have local ids at several institutions.
/// </summary>
public sealed class PatientIdentifier
{
    public required string InstitutionId { get; set; }

    public required string LocalId { get; set; }

    public required string PatientId { get; set; }

    public DateTime AddedAtUtc { get; set; }
}
