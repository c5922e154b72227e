using System.Globalization;
using Telemed.DeviceGateway.Tests.Support;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Network;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.DeviceGateway.Tests.Dicom;

/// <summary>
/// The gateway's DICOM port with TLS (PS3.15 §B.1) and device certificates required, certificates made in the test:
/// DCMTK's tools with +tls and our SCUs are served; plain TCP and untrusted certificates are refused.
/// </summary>
public sealed class GatewayTlsTests : IAsyncLifetime, IDisposable
{
    private readonly SelfSignedCertificates certificates = new();
    private DicomGatewayHarness harness = null!;

    public async Task InitializeAsync() => harness = await DicomGatewayHarness.StartAsync(o => o with
    {
        DicomServerCertificate = certificates["gateway"],
        DicomClientCertificates = DicomClientCertificatePolicy.Required,
        DicomTrustedClientCertificates = [certificates["device"]],
    });

    public async Task DisposeAsync() => await harness.DisposeAsync();

    public void Dispose() => certificates.Dispose();

    private string Port => harness.Port.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Echoscu_over_TLS_is_answered_and_plain_or_untrusted_clients_are_refused()
    {
        _ = certificates["stranger"];

        ToolProcess.Result secure = await ToolProcess.RunAsync("echoscu", [.. DcmtkTls("device"), "-aec", "TELEMED", "127.0.0.1", Port]);
        ToolProcess.Result plain = await ToolProcess.RunAsync("echoscu", ["-to", "10", "-aec", "TELEMED", "127.0.0.1", Port]);
        ToolProcess.Result stranger = await ToolProcess.RunAsync("echoscu", [.. DcmtkTls("stranger"), "-aec", "TELEMED", "127.0.0.1", Port]);
        ToolProcess.Result unregistered = await ToolProcess.RunAsync("echoscu", [.. DcmtkTls("device"), "-aet", "NOBODY", "-aec", "TELEMED", "127.0.0.1", Port]);

        Assert.True(secure.ExitCode == 0, secure.ToString());
        Assert.NotEqual(0, plain.ExitCode);
        Assert.NotEqual(0, stranger.ExitCode);
        // TLS does not replace the registry: the calling AE title is still checked.
        Assert.NotEqual(0, unregistered.ExitCode);
        Assert.Contains("Calling AE Title Not Recognized", unregistered.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(DicomStatus.Success, await EchoScu.EchoAsync("127.0.0.1", harness.Port, "ECHOSCU", "TELEMED", null, OurTls()));
    }

    [Fact]
    public async Task Storescu_and_findscu_over_TLS_and_our_commitment_SCU_are_served()
    {
        string file = GatewayTestData.Sample("dx-chest-pa-utf8.dcm");
        DicomDataset sent = DicomFile.Open(file).Dataset;
        await using (SqliteCatalogDbContext context = harness.OpenCatalog())
        {
            context.Worklist.Add(new WorklistItem
            {
                InstitutionId = "township-a",
                PatientId = "TLS-001",
                PatientName = "Zhang^Ceshi=张三^测试",
                AccessionNumber = "T0001",
                RequestedProcedureId = "RPT0001",
                StudyInstanceUid = DicomUids.FromName("gateway-tls-test-T0001"),
                Modality = "DX",
                ScheduledStartDate = "20261127",
                ScheduledProcedureStepId = "SPST0001",
            });
            await context.SaveChangesAsync();
        }

        string responses = Directory.CreateDirectory(Path.Combine(certificates.Directory, "findscu")).FullName;
        ToolProcess.Result stored = await ToolProcess.RunAsync("storescu", [.. DcmtkTls("device"), "-aec", "TELEMED", "127.0.0.1", Port, file]);
        ToolProcess.Result found = await ToolProcess.RunAsync("findscu",
            [.. DcmtkTls("device"), "-W", "-X", "-od", responses, "-aec", "TELEMED", "-k", "PatientName", "-k", "AccessionNumber", "127.0.0.1", Port]);
        var reference = new SopReference(sent.GetUid(GatewayTestData.Tag("SOPClassUID")), sent.GetUid(GatewayTestData.Tag("SOPInstanceUID")));
        StorageCommitmentResult committed = await new StorageCommitmentScu("STORESCU", "TELEMED", tls: OurTls())
            .CommitAsync("127.0.0.1", harness.Port, "2.25.88001", [reference]);

        Assert.True(stored.ExitCode == 0, stored.ToString());
        Assert.True(found.ExitCode == 0, found.ToString());
        DicomDataset match = DicomFile.Open(Assert.Single(Directory.GetFiles(responses, "rsp*.dcm"))).Dataset;
        Assert.Equal("Zhang^Ceshi=张三^测试", match.GetString(GatewayTestData.Tag("PatientName")));
        Assert.Equal("T0001", match.GetString(GatewayTestData.Tag("AccessionNumber")).Trim());
        Assert.Equal([reference], committed.Committed);
        Assert.Empty(committed.Failed);
    }

    /// <summary>DCMTK's TLS options: the device's key and certificate, and the gateway's certificate as the only trusted one.</summary>
    private string[] DcmtkTls(string identity) =>
        ["+tls", certificates.KeyPath(identity), certificates.CertificatePath(identity), "+cf", certificates.CertificatePath("gateway")];

    private DicomTlsClientOptions OurTls() => new()
    {
        TargetHost = "localhost",
        TrustedCertificates = [certificates["gateway"]],
        ClientCertificate = certificates["device"],
    };
}
