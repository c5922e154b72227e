using Telemed.Dicom.Network;
using Telemed.Storage.Catalog;

namespace Telemed.DeviceGateway.Devices;

/// <summary>
/// The registry's answer to a device asking in: admitted (with a lease on one of its association slots, to dispose
/// when the association ends) or refused with the A-ASSOCIATE-RJ to send; <see cref="Explanation"/> is for the log.
/// </summary>
public sealed record DeviceAdmission(Device? Device, IDisposable? Lease, AssociationRejection? Rejection, string Explanation)
{
    public bool Admitted => Device is not null;
}
