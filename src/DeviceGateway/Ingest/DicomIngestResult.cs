using Telemed.Storage.Catalog;

namespace Telemed.DeviceGateway.Ingest;

/// <summary>
/// The answer to a device, as a PS3.7 status: success only when the object is durable (blob fsynced and catalog row
/// committed). <see cref="ErrorComment"/> is the readable reason sent with a failure (PS3.7 C.4.2.1.4, ≤ 64 chars).
/// </summary>
public sealed record DicomIngestResult(ushort Status, string? ErrorComment, InstanceOutcome? Outcome, StoredInstance? Instance)
{
    /// <summary>PS3.7 Annex C status codes used by storage (Table GG.4-1 / B.2-1).</summary>
    public const ushort Success = 0x0000;
    public const ushort OutOfResources = 0xA700;
    public const ushort DataSetDoesNotMatchSopClass = 0xA900;
    public const ushort CannotUnderstand = 0xC000;

    public bool IsSuccess => Status == Success;
}
