namespace Telemed.Dicom.Network;

/// <summary>
/// Receives each C-STORE's data set as a stream of bytes in <see cref="StoreRequest.TransferSyntax"/>, read straight
/// from the association as they arrive (the whole object is never buffered). The C-STORE-RSP carrying the returned
/// status is sent only after this completes, so a gateway acknowledges only what it has made durable. Read the stream
/// asynchronously (it comes off the network; synchronous reads are refused). Bytes left unread are drained by the
/// SCP; an exception becomes status A700 (I/O) or C000 (anything else) with its message as the error comment.
/// </summary>
public interface IStoreHandler
{
    ValueTask<StoreResult> StoreAsync(StoreRequest request, Stream dataSet, CancellationToken cancellationToken);
}
