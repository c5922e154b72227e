using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Telemed.Dicom.Network;

/// <summary>
/// TLS for an SCU (PS3.15 §B.1 Basic TLS Secure Transport Connection Profile, §B.9 BCP 195): whom to expect and whom
/// to trust. With no <see cref="TrustedCertificates"/> the system's trust store decides; with some, only chains that
/// end in one of them are accepted (a county's own CA, or a device's self-signed certificate pinned as its own root).
/// </summary>
public sealed record DicomTlsClientOptions
{
    /// <summary>Name the server certificate must carry (and SNI); null: the host name or address connected to.</summary>
    public string? TargetHost { get; init; }

    /// <summary>Trust anchors replacing the system store when not empty.</summary>
    public X509Certificate2Collection TrustedCertificates { get; init; } = [];

    /// <summary>Certificate (with private key) presented when the server asks for one.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>None lets the OS pick (TLS 1.2 and 1.3 here), as BCP 195 asks.</summary>
    public SslProtocols Protocols { get; init; } = SslProtocols.None;
}
