namespace Telemed.DeviceGateway.Ingest;

/// <summary>What kind of object a device delivered.</summary>
public enum IngestedKind
{
    DicomInstance,
    EcgRecording,
}

/// <summary>
/// An object that is now durable in the hub (blob fsynced, catalog row committed), with the metadata the case
/// workflow routes by. Raised for each stored version (delivered at least once); a resend of the same bytes raises nothing.
/// </summary>
public sealed record IngestedObject
{
    public required IngestedKind Kind { get; init; }

    public required string BlobHash { get; init; }

    public required DateTime ReceivedAtUtc { get; init; }

    public string? PatientId { get; init; }

    public string? PatientName { get; init; }

    public string? StudyInstanceUid { get; init; }

    public string? SeriesInstanceUid { get; init; }

    public string? SopInstanceUid { get; init; }

    public string? SopClassUid { get; init; }

    public string? Modality { get; init; }

    public string? InstitutionId { get; init; }

    public string? DeviceId { get; init; }

    /// <summary>Urgency and rhythm flags from the ECG analysis (e.g. "STEMI", "VT"); empty for images.</summary>
    public IReadOnlyList<string> EcgFlags { get; init; } = [];
}
