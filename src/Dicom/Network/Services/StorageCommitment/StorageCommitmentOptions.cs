namespace Telemed.Dicom.Network;

/// <summary>How a <see cref="DicomServer"/> sends commitment results that cannot go on the requesting association.</summary>
public sealed record StorageCommitmentOptions
{
    /// <summary>
    /// The requester's listener for a result that must go on a new association (PS3.4 §J.3.3: the SCP initiates it);
    /// usually looked up from the device registry by calling AE title. Null: the result cannot be delivered and is dropped.
    /// </summary>
    public Func<StorageCommitmentRequest, DicomPeer?> ResolveRequester { get; init; } = _ => null;

    public DicomAssociationOptions Association { get; init; } = DicomAssociationOptions.Default;
}
