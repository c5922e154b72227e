namespace Telemed.Storage.Patients;

/// <summary>
/// A patient of one county medical community, under the community-wide id every institution of the community shares;
/// each institution knows the patient by its own local id too (<see cref="PatientIdentifier"/>), the DICOM PatientID
/// (0010,0020) its devices send.
/// </summary>
public sealed class Patient
{
    /// <summary>"P" and 16 hex digits: fits DICOM LO (64) and never looks like a typical local id.</summary>
    public required string Id { get; set; }

    public required string CommunityId { get; set; }

    /// <summary>DICOM PN (PS3.5 §6.2): family^given^middle^prefix^suffix, up to three groups (alphabetic=ideographic=phonetic).</summary>
    public required string Name { get; set; }

    /// <summary><see cref="Name"/> folded for search (<see cref="PatientName.SearchKey"/>).</summary>
    public required string NameKey { get; set; }

    /// <summary>DICOM Patient's Sex (0010,0040): M, F or O; null when unknown.</summary>
    public string? Sex { get; set; }

    public DateOnly? BirthDate { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime UpdatedAtUtc { get; set; }

    /// <summary>Advances with every change; the entity tag of the patient's representation, and its concurrency token.</summary>
    public int Version { get; set; }

    /// <summary>
    /// Set when the patient turned out to be a duplicate and was merged into another: its local ids moved there, and
    /// the id stays only so that old references (cases, audit entries) can be followed.
    /// </summary>
    public string? MergedIntoId { get; set; }

    public List<PatientIdentifier> Identifiers { get; set; } = [];
}
