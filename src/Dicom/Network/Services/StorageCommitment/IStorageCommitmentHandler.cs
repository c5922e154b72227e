namespace Telemed.Dicom.Network;

/// <summary>
/// Storage Commitment Push Model SCP (PS3.4 Annex J): an N-ACTION-RQ (action type 1) is answered with N-ACTION-RSP
/// Success at once; the result returned here is then sent as N-EVENT-REPORT-RQ (event type 1 all committed, 2 some
/// failed) on the same association while it is open, else on a new association to the requester, found through
/// <see cref="StorageCommitmentOptions.ResolveRequester"/> (PS3.4 §J.3.3). Commit only what is durably stored.
/// </summary>
public interface IStorageCommitmentHandler
{
    ValueTask<StorageCommitmentResult> CommitAsync(StorageCommitmentRequest request, CancellationToken cancellationToken);
}
