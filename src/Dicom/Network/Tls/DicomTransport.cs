using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Telemed.Dicom.Network;

/// <summary>
/// Opens the byte stream an association runs over: TCP, wrapped in TLS when asked (PS3.15 §B.1). The Upper Layer
/// sees only the resulting duplex pipe, so plain and secure associations share every line above this.
/// </summary>
internal static class DicomTransport
{
    public static async Task<(IDuplexPipe Pipe, IAsyncDisposable Owner)> ConnectAsync(string host, int port, DicomTlsClientOptions? tls, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var stream = new NetworkStream(socket, ownsSocket: true);
        if (tls is null)
        {
            return (new DuplexStreamPipe(stream), stream);
        }

        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            var authentication = new SslClientAuthenticationOptions
            {
                TargetHost = tls.TargetHost ?? host,
                EnabledSslProtocols = tls.Protocols,
                ClientCertificates = tls.ClientCertificate is null ? null : [tls.ClientCertificate],
                CertificateChainPolicy = ChainPolicy(tls.TrustedCertificates),
            };
            await ssl.AuthenticateAsClientAsync(authentication, cancellationToken);
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }

        return (new DuplexStreamPipe(ssl), ssl);
    }

    /// <summary>Null keeps the system trust store; otherwise only the given anchors are trusted.</summary>
    public static X509ChainPolicy? ChainPolicy(X509Certificate2Collection trusted)
    {
        if (trusted.Count == 0)
        {
            return null;
        }

        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            // Devices on village networks rarely reach a CRL or OCSP responder; pinned anchors stand in for revocation.
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(trusted);
        return policy;
    }
}
