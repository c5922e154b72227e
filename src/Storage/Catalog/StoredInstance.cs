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
}
