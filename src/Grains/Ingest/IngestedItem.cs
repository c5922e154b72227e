namespace Telemed.Grains.Ingest;

/// <summary>
/// An object now durable in the hub (a DICOM instance or an ECG recording), as the case workflow needs it. The
/// gateway's IngestedObject maps onto this at the edge, so the grains do not depend on the gateway.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record IngestedItem(
    string BlobHash,
    DateTimeOffset ReceivedAt,
    string InstitutionId,
    bool IsEcg,
    string? Modality = null,
    string? PatientId = null,
    string? StudyInstanceUid = null,
    string? SopInstanceUid = null,
    string? DeviceId = null,
    IReadOnlyList<string>? EcgFlags = null)
{
    /// <summary>The study grain's key: the study, else the object itself (an ECG stream has no study).</summary>
    public string StudyKey => StudyInstanceUid ?? SopInstanceUid ?? BlobHash;
}
