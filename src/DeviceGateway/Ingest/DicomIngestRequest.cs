namespace Telemed.DeviceGateway.Ingest;

/// <summary>
/// One received data set: what the C-STORE command (or STOW part, or upload) says it is, and who sent it.
/// The data set bytes themselves arrive as a stream, encoded in <see cref="TransferSyntaxUid"/>.
/// </summary>
public sealed record DicomIngestRequest
{
    public required string SopClassUid { get; init; }

    public required string SopInstanceUid { get; init; }

    public required string TransferSyntaxUid { get; init; }

    public string? SourceAeTitle { get; init; }

    public string? SourceAddress { get; init; }

    public string? DeviceId { get; init; }

    public string? InstitutionId { get; init; }
}
