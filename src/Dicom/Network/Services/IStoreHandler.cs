namespace Telemed.Dicom.Network;

/// <summary>
/// Receives each C-STORE's data set as a stream of bytes in <see cref="StoreRequest.TransferSyntax"/>, read straight
/// from the association as they arrive (the whole object is never buffered). The C-STORE-RSP carrying the returned
/// status is sent only after this completes, so a gateway acknowledges only what it has made durable.
/// </summary>
public interface IStoreHandler
{
    ValueTask<StoreResult> StoreAsync(StoreRequest request, Stream dataSet, CancellationToken cancellationToken);
}
