using System.Net;
using System.Security.Cryptography.X509Certificates;
using Telemed.Dicom.Dictionary;

namespace Telemed.Dicom.Network;

/// <summary>What a <see cref="DicomServer"/> listens on and accepts.</summary>
public sealed record DicomServerOptions
{
    /// <summary>Address and port to listen on; port 0 picks a free one (see <see cref="DicomServer.LocalEndPoint"/>).</summary>
    public IPEndPoint EndPoint { get; init; } = new(IPAddress.Loopback, 0);

    public int Backlog { get; init; } = 128;

    /// <summary>This server's AE title: requests calling another are rejected (called-AE-title-not-recognized).</summary>
    public required string AeTitle { get; init; }

    /// <summary>Storage SOP classes accepted as abstract syntaxes; Verification is always accepted.</summary>
    public IReadOnlyList<string> SopClasses { get; init; } = StorageSopClasses.All;

    /// <summary>
    /// Transfer syntaxes accepted; for each context the first one the requestor proposed that is in this list wins,
    /// so the requestor's preference (e.g. the file's own syntax) is honoured. Default: every registered one.
    /// </summary>
    public IReadOnlyList<string> TransferSyntaxes { get; init; } = [.. DicomUidRegistry.OfType(DicomUidType.TransferSyntax).Select(u => u.Value)];

    public DicomAssociationOptions Association { get; init; } = DicomAssociationOptions.Default;

    /// <summary>Associations beyond this are rejected transiently (local-limit-exceeded).</summary>
    public int MaxAssociations { get; init; } = 256;

    /// <summary>C-FIND information models served besides Modality Worklist, when a find handler is given.</summary>
    public IReadOnlyList<string> FindSopClasses { get; init; } = [];

    /// <summary>Where commitment results go when the requesting association has closed (PS3.4 §J.3.3).</summary>
    public StorageCommitmentOptions StorageCommitment { get; init; } = new();

    /// <summary>
    /// With a certificate (and its private key) every accepted connection is TLS (PS3.15 §B.1, §B.9): the handshake
    /// must finish within the ARTIM timeout before the Upper Layer sees a byte; a plain client is dropped.
    /// </summary>
    public X509Certificate2? ServerCertificate { get; init; }

    /// <summary>Whether devices must present a certificate; only meaningful with <see cref="ServerCertificate"/>.</summary>
    public DicomClientCertificatePolicy ClientCertificates { get; init; } = DicomClientCertificatePolicy.None;

    /// <summary>Anchors device certificates must chain to; empty: the system trust store.</summary>
    public X509Certificate2Collection TrustedClientCertificates { get; init; } = [];

    /// <summary>How long <see cref="DicomServer.StopAsync"/> lets running associations finish before aborting them.</summary>
    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(10);
}
