using Telemed.Dicom.Text;

namespace Telemed.Dicom.Waveforms;

/// <summary>
/// Who and when for an ECG object: the Patient, General Study, General Series, General Equipment and Waveform
/// Identification modules of the 12-Lead ECG IOD (PS3.3 A.34.3). Names are PN values (PS3.5 §6.2.1.1), e.g.
/// "Zhang^San=张^三"; <see cref="CharacterSet"/> must hold every character of them.
/// </summary>
public sealed record EcgStudyInfo
{
    public required string PatientName { get; init; }

    public required string PatientId { get; init; }

    public DateOnly? PatientBirthDate { get; init; }

    /// <summary>M, F, O or null for unknown (Type 2: written empty).</summary>
    public string? PatientSex { get; init; }

    public required DateTime AcquisitionDateTime { get; init; }

    public required string StudyInstanceUid { get; init; }

    public required string SeriesInstanceUid { get; init; }

    public required string SopInstanceUid { get; init; }

    /// <summary>(0020,0010), the site's own study number; empty when null (Type 2).</summary>
    public string? StudyId { get; init; }

    public string? InstitutionName { get; init; }

    public string Manufacturer { get; init; } = "Telemed";

    public DicomCharacterSet CharacterSet { get; init; } = DicomCharacterSet.FromSpecificCharacterSet("ISO_IR 192");
}
