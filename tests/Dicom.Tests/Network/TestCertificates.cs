using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Telemed.Dicom.Tests.Network;

/// <summary>
/// Self-signed RSA certificates made for one test run (valid for localhost and 127.0.0.1, server and client auth),
/// written as PEM files for DCMTK's +tls options; each is its own trust anchor.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("telemed-tls-").FullName;
        Server = Create("telemed-scp", "server");
        Client = Create("device-1", "client");
        Stranger = Create("stranger", "stranger");
    }

    public string Directory { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Client { get; }

    /// <summary>A certificate nobody trusts.</summary>
    public X509Certificate2 Stranger { get; }

    public string CertificatePath(string name) => Path.Combine(Directory, $"{name}.pem");

    public string KeyPath(string name) => Path.Combine(Directory, $"{name}.key");

    public void Dispose()
    {
        Server.Dispose();
        Client.Dispose();
        Stranger.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private X509Certificate2 Create(string commonName, string fileName)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(CertificatePath(fileName), created.ExportCertificatePem());
        File.WriteAllText(KeyPath(fileName), key.ExportPkcs8PrivateKeyPem());
        // Through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
