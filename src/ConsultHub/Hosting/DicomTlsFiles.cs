using System.Security.Cryptography.X509Certificates;

namespace Telemed.ConsultHub.Hosting;

/// <summary>Loads the DICOM port's TLS certificate and the devices' trust anchors from the files <see cref="HubOptions"/> names.</summary>
internal static class DicomTlsFiles
{
    /// <summary>The server certificate with its private key, or null for plain TCP.</summary>
    public static X509Certificate2? ServerCertificate(HubOptions hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        if (hub.DicomTlsCertificate is not { } path)
        {
            return null;
        }

        X509Certificate2 certificate;
        if (Path.GetExtension(path).ToUpperInvariant() is ".PFX" or ".P12")
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, hub.DicomTlsPassword);
        }
        else
        {
            string key = hub.DicomTlsKey ?? path;
            using X509Certificate2 pem = hub.DicomTlsPassword is null
                ? X509Certificate2.CreateFromPemFile(path, key)
                : X509Certificate2.CreateFromEncryptedPemFile(path, hub.DicomTlsPassword, key);
            // Through PKCS#12: a key loaded from PEM is ephemeral, which SslStream cannot use on every platform.
            certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"{path}: a TLS server certificate needs its private key (--dicom-tls-key)");
        }

        return certificate;
    }

    /// <summary>The anchors device certificates must chain to; empty leaves the decision to the system trust store.</summary>
    public static X509Certificate2Collection TrustedClients(HubOptions hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var trusted = new X509Certificate2Collection();
        if (hub.DicomTlsTrustedClients is { } path)
        {
            trusted.ImportFromPemFile(path);
            if (trusted.Count == 0)
            {
                throw new InvalidOperationException($"{path}: no PEM certificate found (--dicom-tls-trust)");
            }
        }

        return trusted;
    }
}
