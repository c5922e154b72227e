using System.Runtime.CompilerServices;
using Telemed.DeviceGateway.Devices;
using Telemed.Dicom.Data;
using Telemed.Dicom.Network;
using Telemed.Storage.Catalog;

namespace Telemed.DeviceGateway.Worklist;

/// <summary>
/// The DICOM listener's C-FIND handler: Modality Worklist queries (PS3.4 Annex K) answered from the worklist of the
/// calling device's institution only, so a township modality never sees another township's patients. Matches are
/// encoded in ISO_IR 192 (<see cref="ModalityWorklist"/>), which carries Chinese names intact.
/// </summary>
public sealed class WorklistFindHandler(ModalityWorklist worklist, DeviceRegistry devices) : IFindHandler
{
    public async IAsyncEnumerable<DicomDataset> FindAsync(FindRequest request, DicomDataset identifier, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.SopClassUid != FindSopClasses.ModalityWorklist)
        {
            // Only the worklist model is negotiated; anything else reaching here is a server misconfiguration.
            throw new InvalidOperationException($"C-FIND information model {request.SopClassUid} is not served here");
        }

        // The association policy admitted only registered devices; one removed since then gets nothing rather than
        // another institution's list. The exception becomes C000 with this comment (PS3.4 §C.4.1.1.4).
        Device device = devices.FindByAeTitle(request.CallingAeTitle) is { Enabled: true } known
            ? known
            : throw new InvalidOperationException($"calling AE title '{request.CallingAeTitle.Trim()}' is not a registered device");
        foreach (DicomDataset match in await worklist.FindAsync(identifier, device.InstitutionId, cancellationToken).ConfigureAwait(false))
        {
            yield return match;
        }
    }
}
