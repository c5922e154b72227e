namespace Telemed.Dicom.Network;

/// <summary>Whether a TLS <see cref="DicomServer"/> asks devices for a certificate (PS3.15 §B.1: both sides may authenticate).</summary>
public enum DicomClientCertificatePolicy
{
    /// <summary>Not asked for; devices are identified by AE title and address only.</summary>
    None,

    /// <summary>Asked for and checked when presented; a device without one is still served.</summary>
    Optional,

    /// <summary>A device without a trusted certificate is refused during the handshake.</summary>
    Required,
}
