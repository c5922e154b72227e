using System.Net;
using System.Security.Cryptography.X509Certificates;
using Telemed.Dicom.Network;
using Telemed.Storage.Catalog;

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

    /// <summary>
    /// How often the device registry is re-read from the catalog. The hub reloads it at once after an admin's change;
    /// this covers the other processes of a cluster, which share the catalog but not the change. Zero: never.
    /// </summary>
    public TimeSpan DeviceRefreshInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of "ingested" events the sink did not take.</summary>
    public Ingest.IngestDispatchOptions IngestDispatch { get; init; } = new();

    /// <summary>
    /// With a certificate (and its private key) the DICOM port speaks TLS only (PS3.15 §B.1); null keeps plain TCP,
    /// the default, since most township modalities cannot do TLS.
    /// </summary>
    public X509Certificate2? DicomServerCertificate { get; init; }

    /// <summary>Whether devices must present a certificate over TLS; only meaningful with <see cref="DicomServerCertificate"/>.</summary>
    public DicomClientCertificatePolicy DicomClientCertificates { get; init; } = DicomClientCertificatePolicy.None;

    /// <summary>Anchors device certificates must chain to; empty: the system trust store.</summary>
    public X509Certificate2Collection DicomTrustedClientCertificates { get; init; } = [];

    /// <summary>
    /// Where a device listens for storage commitment results it no longer waits for on its own association
    /// (PS3.4 §J.3.3). The registry keeps no callback port, so by default results go only on the requesting
    /// association while it is open; a requester that released before the answer asks again.
    /// </summary>
    public Func<Device, DicomPeer?>? CommitmentRequesterOf { get; init; }
}
