namespace Telemed.ConsultHub.Uploads;

/// <summary>
/// One upload as kept beside its bytes in <c>uploads/&lt;id&gt;/upload.json</c>: what the client declared, who sent it
/// for which institution, and what became of it. The offset is not stored here: it is the length of the data file.
/// </summary>
public sealed record Upload
{
    public required string Id { get; init; }

    public required string FileName { get; init; }

    public required long Length { get; init; }

    /// <summary>SHA-256 of the whole file as the client declared it, 64 lowercase hex digits.</summary>
    public required string Sha256 { get; init; }

    public string? ContentType { get; init; }

    /// <summary>Patient id to write into an ECG converted from a format that carries none (or to override it).</summary>
    public string? PatientId { get; init; }

    public required string UserId { get; init; }

    /// <summary>The uploading PC's address, recorded with the stored instance as a C-STORE records the device's.</summary>
    public string? SourceAddress { get; init; }

    public required string InstitutionId { get; init; }

    public required string CommunityId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the upload is deleted if nothing touches it before; moved on by every PATCH.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    public UploadState State { get; init; } = UploadState.Receiving;

    /// <summary>Why processing failed, for the person who uploaded.</summary>
    public string? Reason { get; init; }

    /// <summary>The format found: Dicom, ScpEcg, HL7Aecg, PhilipsXml, Wfdb.</summary>
    public string? Format { get; init; }

    public IReadOnlyList<string> SopInstanceUids { get; init; } = [];

    public string? StudyInstanceUid { get; init; }

    /// <summary>A file converted to DICOM is also kept as it was sent: its blob (SHA-256 = <see cref="Sha256"/>).</summary>
    public string? OriginalBlobHash { get; init; }

    public IReadOnlyList<string> Warnings { get; init; } = [];

    public Guid? CaseId { get; init; }
}
