using System.Net;
using Microsoft.Extensions.Logging;
using Telemed.Dicom.Network;

namespace Telemed.DeviceGateway.Devices;

/// <summary>The DICOM listener's association policy: admit registered devices only, each within its limit.</summary>
public sealed partial class DeviceAssociationPolicy(DeviceRegistry registry, ILogger<DeviceAssociationPolicy> logger) : IAssociationPolicy
{
    public ValueTask<AssociationDecision> EvaluateAsync(AssociationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        IPAddress address = (request.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        DeviceAdmission admission = registry.Admit(request.CallingAeTitle, address);
        if (admission.Admitted)
        {
            return ValueTask.FromResult(AssociationDecision.Accept(admission.Lease));
        }

        LogRefused(logger, request.CallingAeTitle.Trim(), address, admission.Rejection!, admission.Explanation);
        return ValueTask.FromResult(AssociationDecision.Reject(admission.Rejection!));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "association from '{CallingAe}' at {Address} refused ({Rejection}): {Explanation}")]
    private static partial void LogRefused(ILogger logger, string callingAe, IPAddress address, AssociationRejection rejection, string explanation);
}
