namespace Telemed.Storage.Catalog;

/// <summary>
/// A scheduled procedure step served to modalities by the Modality Worklist (PS3.4 K.6), so a township X-ray
/// machine picks the patient from a list instead of typing the name.
/// </summary>
public sealed class WorklistItem
{
    public long Id { get; set; }

    public required string InstitutionId { get; set; }

    public required string PatientId { get; set; }

    /// <summary>DICOM PN as it is to be sent (e.g. "Wang^Wu=王^五").</summary>
    public required string PatientName { get; set; }

    public string? PatientBirthDate { get; set; }

    public string? PatientSex { get; set; }

    public required string AccessionNumber { get; set; }

    public required string RequestedProcedureId { get; set; }

    public string? RequestedProcedureDescription { get; set; }

    public required string StudyInstanceUid { get; set; }

    public required string Modality { get; set; }

    /// <summary>The AE title the step is scheduled on; null means any station of the institution.</summary>
    public string? ScheduledStationAeTitle { get; set; }

    /// <summary>DA (YYYYMMDD) and TM (HHMMSS) as DICOM matches them.</summary>
    public required string ScheduledStartDate { get; set; }

    public string? ScheduledStartTime { get; set; }

    public required string ScheduledProcedureStepId { get; set; }

    public string? ScheduledProcedureStepDescription { get; set; }

    public string? ReferringPhysicianName { get; set; }

    public bool Completed { get; set; }
}
