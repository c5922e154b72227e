using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Telemed.ConsultHub.Hosting;
using Telemed.Dicom.Network;
using Xunit;

namespace Telemed.ConsultHub.Tests;

/// <summary>
/// TLS on the hub's DICOM port from its command-line switches, certificates made in the test as PEM and PKCS#12
/// files: the hub process serves DCMTK's tools with +tls and device certificates, and refuses plain TCP.
/// </summary>
public sealed class DicomTlsHubTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("telemed-hub-tls-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task The_hub_with_dicom_tls_switches_serves_dcmtk_over_TLS_and_refuses_plain_TCP()
    {
        using X509Certificate2 hubCertificate = Create("hub");
        using X509Certificate2 device = Create("device");
        string data = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        var tls = new DicomTlsClientOptions { TargetHost = "localhost", TrustedCertificates = [hubCertificate], ClientCertificate = device };

        await using HubProcess hub = await HubProcess.StartAsync(data,
            ["--dicom-tls-cert", Pem("hub"), "--dicom-tls-key", Key("hub"), "--dicom-tls-clients", "Required", "--dicom-tls-trust", Pem("device")], tls);

        string port = hub.DicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] dcmtkTls = ["+tls", Key("device"), Pem("device"), "+cf", Pem("hub")];
        (int secure, string secureOutput) = await RunAsync("echoscu", [.. dcmtkTls, "-aec", "TELEMED", "127.0.0.1", port]);
        (int plain, _) = await RunAsync("echoscu", ["-to", "10", "-aec", "TELEMED", "127.0.0.1", port]);
        (int find, string found) = await RunAsync("findscu", [.. dcmtkTls, "-W", "-aec", "TELEMED", "-k", "PatientName", "-k", "AccessionNumber", "127.0.0.1", port]);

        Assert.True(secure == 0, secureOutput);
        Assert.NotEqual(0, plain);
        Assert.True(find == 0, found);
        Assert.Contains("Wang^Wu=王^五", found, StringComparison.Ordinal);
        Assert.Contains("device gateway: DICOM AE TELEMED", hub.Output, StringComparison.Ordinal);
        Assert.Contains("(TLS)", hub.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_settings_load_from_PEM_and_PKCS12_files_and_inconsistent_ones_are_refused()
    {
        using X509Certificate2 created = Create("hub");
        File.WriteAllBytes(Path.Combine(root, "hub.pfx"), created.Export(X509ContentType.Pkcs12, "pass-word"));

        HubOptions pem = Options(("DicomTlsCertificate", Pem("hub")), ("DicomTlsKey", Key("hub")), ("DicomTlsClientCertificates", "optional"), ("DicomTlsTrustedClients", Pem("hub")));
        HubOptions pfx = Options(("DicomTlsCertificate", Path.Combine(root, "hub.pfx")), ("DicomTlsPassword", "pass-word"));
        using X509Certificate2? fromPem = DicomTlsFiles.ServerCertificate(pem);
        using X509Certificate2? fromPfx = DicomTlsFiles.ServerCertificate(pfx);

        Assert.Equal(DicomClientCertificatePolicy.Optional, pem.DicomTlsClientCertificates);
        Assert.True(fromPem!.HasPrivateKey);
        Assert.Equal(created.Thumbprint, fromPem.Thumbprint);
        Assert.True(fromPfx!.HasPrivateKey);
        Assert.Equal(created.Thumbprint, fromPfx.Thumbprint);
        Assert.Equal(created.Thumbprint, Assert.Single(DicomTlsFiles.TrustedClients(pem)).Thumbprint);
        Assert.Null(DicomTlsFiles.ServerCertificate(Options()));
        Assert.Empty(DicomTlsFiles.TrustedClients(Options()));
        Assert.Throws<InvalidOperationException>(() => Options(("DicomTlsClientCertificates", "Required")));
        Assert.Throws<InvalidOperationException>(() => Options(("DicomTlsCertificate", Pem("hub")), ("DicomTlsClientCertificates", "always")));
        Assert.Throws<InvalidOperationException>(() => Options(("DicomTlsKey", Key("hub"))));
        // A certificate without its key cannot serve TLS.
        Assert.ThrowsAny<CryptographicException>(() => DicomTlsFiles.ServerCertificate(Options(("DicomTlsCertificate", Pem("hub")))));
    }

    private static HubOptions Options(params (string Key, string Value)[] settings) =>
        HubOptions.From(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>("Telemed:" + s.Key, s.Value)))
            .Build());

    private static async Task<(int ExitCode, string Output)> RunAsync(string tool, string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private string Pem(string name) => Path.Combine(root, name + ".pem");

    private string Key(string name) => Path.Combine(root, name + ".key");

    /// <summary>A self-signed certificate for localhost and 127.0.0.1 (server and client auth), also written as PEM files.</summary>
    private X509Certificate2 Create(string name)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var alternativeNames = new SubjectAlternativeNameBuilder();
        alternativeNames.AddDnsName("localhost");
        alternativeNames.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(alternativeNames.Build());
        // id-kp-serverAuth and id-kp-clientAuth (RFC 5280 §4.2.1.12).
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Pem(name), created.ExportCertificatePem());
        File.WriteAllText(Key(name), key.ExportPkcs8PrivateKeyPem());
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
