namespace Telemed.Storage.Catalog;

/// <summary>
/// One stored version of a DICOM instance: where its bytes are (<see cref="BlobHash"/>) and the header fields the
/// hub searches and routes by. The same SOP Instance UID with different bytes gets a new row with the next
/// <see cref="Version"/>; nothing is overwritten.
/// </summary>
public sealed class StoredInstance
{
    public long Id { get; set; }

    public required string SopInstanceUid { get; set; }

    public required string SopClassUid { get; set; }

    public required string StudyInstanceUid { get; set; }

    public required string SeriesInstanceUid { get; set; }

    public required string TransferSyntaxUid { get; set; }

    public string? PatientId { get; set; }

    public string? PatientName { get; set; }

    public string? Modality { get; set; }

    public string? AccessionNumber { get; set; }

    /// <summary>DICOM DA (YYYYMMDD) as received, so range queries compare as text.</summary>
    public string? StudyDate { get; set; }

    /// <summary>SHA-256 of the stored Part 10 file (the blob's name).</summary>
    public required string BlobHash { get; set; }

    public long Length { get; set; }

    /// <summary>1 for the first bytes received under this SOP Instance UID, then 2, 3… for different bytes.</summary>
    public int Version { get; set; }

    public DateTime ReceivedAtUtc { get; set; }

    public string? SourceAeTitle { get; set; }

    public string? SourceAddress { get; set; }

    public string? DeviceId { get; set; }

    public string? InstitutionId { get; set; }

    /// <summary>
    /// The patient name folded for QIDO matching (<see cref="PersonNameSearchKey"/>): each component group upper-cased
    /// between bars, so a wildcard query compares against one column in SQL.
    /// </summary>
    public string? PatientNameKey { get; set; }

    public string? PatientBirthDate { get; set; }

    public string? PatientSex { get; set; }

    public string? StudyTime { get; set; }

    /// <summary>Study ID (0020,0010), the modality's own study number.</summary>
    public string? StudyId { get; set; }

    public string? StudyDescription { get; set; }

    public string? ReferringPhysicianName { get; set; }

    public int? SeriesNumber { get; set; }

    public string? SeriesDescription { get; set; }

    public int? InstanceNumber { get; set; }

    /// <summary>Image size and depth, which QIDO returns for every instance (PS3.18 Table 10.6.3-5); null without pixel data.</summary>
    public int? Rows { get; set; }

    public int? Columns { get; set; }

    public int? BitsAllocated { get; set; }

    public int? NumberOfFrames { get; set; }
}
