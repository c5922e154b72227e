namespace Telemed.Dicom.Network;

/// <summary>A remote application entity to connect to: address, AE title and, for a secure port, TLS settings.</summary>
public sealed record DicomPeer(string Host, int Port, string AeTitle, DicomTlsClientOptions? Tls = null);
