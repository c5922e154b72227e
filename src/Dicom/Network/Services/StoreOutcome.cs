namespace Telemed.Dicom.Network;

/// <summary>What happened to one file a <see cref="StoreScu"/> sent: the C-STORE-RSP status, or why none came.</summary>
public sealed record StoreOutcome(string Path, string? SopInstanceUid, ushort? Status, string? TransferSyntaxUid, string? Error)
{
    public bool Succeeded => Status is { } status && !DicomStatus.IsFailure(status);
}
