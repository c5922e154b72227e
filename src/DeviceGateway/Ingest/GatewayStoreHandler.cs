using System.IO.Pipelines;
using System.Net;
using Telemed.DeviceGateway.Devices;
using Telemed.Dicom.Network;
using Telemed.Storage.Catalog;

namespace Telemed.DeviceGateway.Ingest;

/// <summary>
/// The DICOM listener's C-STORE handler: the data set streams into durable ingest, tagged with the sending device
/// and its institution; the status returned is the C-STORE-RSP the device gets, sent only after ingest returns.
/// </summary>
public sealed class GatewayStoreHandler(DicomInstanceIngest ingest, DeviceRegistry devices) : IStoreHandler
{
    public async ValueTask<StoreResult> StoreAsync(StoreRequest request, Stream dataSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Device? device = devices.FindByAeTitle(request.CallingAeTitle);
        PipeReader reader = PipeReader.Create(dataSet, new StreamPipeReaderOptions(bufferSize: 1 << 16, leaveOpen: true));
        DicomIngestResult result = await ingest.IngestAsync(new DicomIngestRequest
        {
            SopClassUid = request.SopClassUid,
            SopInstanceUid = request.SopInstanceUid,
            TransferSyntaxUid = request.TransferSyntax.Uid,
            SourceAeTitle = request.CallingAeTitle.Trim(),
            SourceAddress = (request.RemoteEndPoint as IPEndPoint)?.Address.ToString(),
            DeviceId = device?.Id,
            InstitutionId = device?.InstitutionId,
        }, reader, cancellationToken).ConfigureAwait(false);
        await reader.CompleteAsync().ConfigureAwait(false);
        return new StoreResult(result.Status, result.ErrorComment);
    }
}
