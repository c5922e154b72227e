namespace Telemed.ConsultHub.Uploads;

/// <summary>Where an upload is: bytes still arriving, being converted and ingested, stored (durable, a case follows) or failed (see its reason).</summary>
public enum UploadState
{
    Receiving,
    Processing,
    Stored,
    Failed,
}
