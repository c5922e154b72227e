using System.Net;

namespace Telemed.DeviceGateway.Hosting;

/// <summary>Where the device gateway listens and keeps its files.</summary>
public sealed record GatewayOptions
{
    /// <summary>Our AE title: devices must call it (PS3.8 called AE title).</summary>
    public string AeTitle { get; init; } = "TELEMED";

    /// <summary>DICOM listener; 11112 is the registered DICOM port (IANA "dicom-iscl" is 2762, "dicom" 104 needs root).</summary>
    public IPEndPoint DicomEndPoint { get; init; } = new(IPAddress.Any, 11112);

    /// <summary>ECG stream listener (docs/protocols/ecg-stream.md); null to run without it.</summary>
    public IPEndPoint? EcgStreamEndPoint { get; init; } = new(IPAddress.Any, 11113);

    /// <summary>Blob store root (content-addressed files).</summary>
    public required string BlobRoot { get; init; }

    /// <summary>Where ECG stream segments are written before a recording is finished.</summary>
    public required string EcgSegmentRoot { get; init; }

    /// <summary>Idle timeout of a DICOM association before it is aborted.</summary>
    public TimeSpan DicomIdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Retries of "ingested" events the sink did not take.</summary>
    public Ingest.IngestDispatchOptions IngestDispatch { get; init; } = new();
}
