using System.Security.Authentication;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Network;
using Xunit;

namespace Telemed.Dicom.Tests.Network;

/// <summary>
/// TLS on the DICOM port (PS3.15 §B.1/§B.9) with certificates made in the test: DCMTK's echoscu and storescu with
/// +tls against our SCP, our SCUs against it, and plain or untrusted clients refused without harm to the others.
/// </summary>
public sealed class TlsTests : IDisposable
{
    private static readonly Telemed.Dicom.Tags.DicomTag SopInstanceUid = new(0x0008, 0x0018);
    private readonly TestCertificates certificates = new();

    public void Dispose() => certificates.Dispose();

    [Fact]
    public async Task Echoscu_over_TLS_with_a_client_certificate_gets_success()
    {
        await using var server = TlsServer(new DicomServices(), DicomClientCertificatePolicy.Required);

        DcmtkProcess.Result result = await DcmtkProcess.RunAsync("echoscu", [.. DcmtkTls("client"), "-aet", "DEVICE1", "-aec", TestServer.AeTitle, "127.0.0.1", server.Port.ToString()]);

        Assert.True(result.ExitCode == 0, result.ToString());
        AssociationOutcome outcome = server.NextOutcome();
        Assert.Equal(AssociationEnd.Released, outcome.End);
        Assert.Equal("DEVICE1", outcome.CallingAeTitle);
    }

    [Fact]
    public async Task Storescu_over_TLS_stores_files_whose_bytes_equal_the_originals()
    {
        IReadOnlyList<string> files = NetworkCorpus.Select(2, 3_000_000, "1.2.840.10008.1.2.1", "1.2.840.10008.1.2");
        using var handler = new RecordingStoreHandler();
        await using var server = TlsServer(new DicomServices { Store = handler }, DicomClientCertificatePolicy.Required);

        DcmtkProcess.Result result = await DcmtkProcess.RunAsync("storescu",
            [.. DcmtkTls("client"), "-R", "-aet", "MODALITY", "-aec", TestServer.AeTitle, "127.0.0.1", server.Port.ToString(), .. files]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(files.Count, handler.Received.Count);
        foreach ((StoreRequest _, string path, long _) in handler.Received)
        {
            string instance = DicomFile.Open(path).Dataset.GetUid(SopInstanceUid);
            DatasetComparison.AssertSameDataSet(files.Single(f => DicomFile.Open(f).Dataset.GetUid(SopInstanceUid) == instance), path);
        }
    }

    [Fact]
    public async Task A_plain_client_or_an_untrusted_certificate_is_refused_and_TLS_clients_carry_on()
    {
        await using var server = TlsServer(new DicomServices(), DicomClientCertificatePolicy.Required);

        DcmtkProcess.Result plain = await DcmtkProcess.RunAsync("echoscu", ["-to", "5", "-aec", TestServer.AeTitle, "127.0.0.1", server.Port.ToString()]);
        AssociationOutcome plainOutcome = server.NextOutcome();
        DcmtkProcess.Result stranger = await DcmtkProcess.RunAsync("echoscu", [.. DcmtkTls("stranger"), "-aec", TestServer.AeTitle, "127.0.0.1", server.Port.ToString()]);
        AssociationOutcome strangerOutcome = server.NextOutcome();
        DcmtkProcess.Result trusted = await DcmtkProcess.RunAsync("echoscu", [.. DcmtkTls("client"), "-aec", TestServer.AeTitle, "127.0.0.1", server.Port.ToString()]);

        Assert.NotEqual(0, plain.ExitCode);
        Assert.StartsWith("TLS handshake failed", plainOutcome.Detail, StringComparison.Ordinal);
        Assert.Null(plainOutcome.CallingAeTitle);
        Assert.NotEqual(0, stranger.ExitCode);
        Assert.StartsWith("TLS handshake failed", strangerOutcome.Detail, StringComparison.Ordinal);
        Assert.True(trusted.ExitCode == 0, trusted.ToString());
        Assert.Equal(AssociationEnd.Released, server.NextOutcome().End);
    }

    [Fact]
    public async Task Our_SCUs_speak_TLS_and_check_the_server_certificate()
    {
        var handler = new WorklistHandler([WorklistHandler.Item("王^小明", "P001", "A1")]);
        var committer = new AllCommitted();
        await using var server = TlsServer(new DicomServices { Find = handler, StorageCommitment = committer }, DicomClientCertificatePolicy.Optional);
        var trusting = new DicomTlsClientOptions { TargetHost = "localhost", TrustedCertificates = [certificates.Server] };

        ushort echo = await EchoScu.EchoAsync("127.0.0.1", server.Port, "OUR_SCU", TestServer.AeTitle, null, trusting);
        FindResult found = await new FindScu("OUR_SCU", TestServer.AeTitle, tls: trusting with { ClientCertificate = certificates.Client })
            .FindAsync("127.0.0.1", server.Port, FindSopClasses.ModalityWorklist, new DicomDatasetBuilder().Add("PatientName", "").Build());
        StorageCommitmentResult committed = await new StorageCommitmentScu("OUR_SCU", TestServer.AeTitle, tls: trusting)
            .CommitAsync("127.0.0.1", server.Port, "1.2.3.99.7", [new SopReference("1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.1")]);

        Assert.Equal(DicomStatus.Success, echo);
        Assert.Equal("王^小明", Assert.Single(found.Matches).GetString(WorklistHandler.PatientName));
        Assert.Single(committed.Committed);
        // The system store does not know a self-signed certificate; a wrong name fails even with it pinned.
        await Assert.ThrowsAsync<AuthenticationException>(() =>
            EchoScu.EchoAsync("127.0.0.1", server.Port, "OUR_SCU", TestServer.AeTitle, null, new DicomTlsClientOptions { TargetHost = "localhost" }));
        await Assert.ThrowsAsync<AuthenticationException>(() =>
            EchoScu.EchoAsync("127.0.0.1", server.Port, "OUR_SCU", TestServer.AeTitle, null, trusting with { TargetHost = "pacs.example.org" }));
        Assert.Equal(DicomStatus.Success, await EchoScu.EchoAsync("127.0.0.1", server.Port, "OUR_SCU", TestServer.AeTitle, null, trusting));
    }

    [Fact]
    public async Task A_required_client_certificate_refuses_our_SCU_without_one()
    {
        await using var server = TlsServer(new DicomServices(), DicomClientCertificatePolicy.Required);
        var trusting = new DicomTlsClientOptions { TargetHost = "localhost", TrustedCertificates = [certificates.Server] };

        Exception refused = await Assert.ThrowsAnyAsync<Exception>(() => EchoScu.EchoAsync("127.0.0.1", server.Port, "OUR_SCU", TestServer.AeTitle, null, trusting));
        ushort accepted = await EchoScu.EchoAsync("127.0.0.1", server.Port, "OUR_SCU", TestServer.AeTitle, null, trusting with { ClientCertificate = certificates.Client });

        Assert.True(refused is AuthenticationException or IOException or DicomAssociationAbortedException, refused.ToString());
        Assert.StartsWith("TLS handshake failed", server.NextOutcome().Detail, StringComparison.Ordinal);
        Assert.Equal(DicomStatus.Success, accepted);
    }

    private TestServer TlsServer(DicomServices services, DicomClientCertificatePolicy clients) => new(services, o => o with
    {
        ServerCertificate = certificates.Server,
        ClientCertificates = clients,
        TrustedClientCertificates = [certificates.Client],
    });

    /// <summary>DCMTK's TLS options: our key and certificate, and the server certificate as the only trusted one.</summary>
    private string[] DcmtkTls(string identity) =>
        ["+tls", certificates.KeyPath(identity), certificates.CertificatePath(identity), "+cf", certificates.CertificatePath("server")];

    private sealed class AllCommitted : IStorageCommitmentHandler
    {
        public ValueTask<StorageCommitmentResult> CommitAsync(StorageCommitmentRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new StorageCommitmentResult(request.References, []));
    }
}
