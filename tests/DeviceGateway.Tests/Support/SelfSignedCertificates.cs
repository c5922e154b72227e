using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Telemed.DeviceGateway.Tests.Support;

/// <summary>
/// Self-signed RSA certificates made for one test (localhost and 127.0.0.1; server and client authentication), each
/// its own trust anchor, also written as PEM certificate and key files for DCMTK's <c>+tls key cert</c> options.
/// </summary>
internal sealed class SelfSignedCertificates : IDisposable
{
    private readonly Dictionary<string, X509Certificate2> made = new(StringComparer.Ordinal);

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("telemed-gw-tls-").FullName;

    /// <summary>The certificate (with private key) named <paramref name="name"/>, made on first use.</summary>
    public X509Certificate2 this[string name]
    {
        get
        {
            if (!made.TryGetValue(name, out X509Certificate2? certificate))
            {
                certificate = Create(name);
                made[name] = certificate;
            }

            return certificate;
        }
    }

    public string CertificatePath(string name) => Path.Combine(Directory, name + ".pem");

    public string KeyPath(string name) => Path.Combine(Directory, name + ".key");

    public void Dispose()
    {
        foreach (X509Certificate2 certificate in made.Values)
        {
            certificate.Dispose();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private X509Certificate2 Create(string name)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var alternativeNames = new SubjectAlternativeNameBuilder();
        alternativeNames.AddDnsName("localhost");
        alternativeNames.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(alternativeNames.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: false));
        // id-kp-serverAuth and id-kp-clientAuth (RFC 5280 §4.2.1.12).
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(CertificatePath(name), created.ExportCertificatePem());
        File.WriteAllText(KeyPath(name), key.ExportPkcs8PrivateKeyPem());
        // Reloaded from PKCS#12 so SslStream can use the private key on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
