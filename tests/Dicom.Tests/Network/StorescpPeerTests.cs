using Xunit;

namespace Telemed.Dicom.Tests.Network;

/// <summary>
/// Our SCU (the <c>telemed dicom send</c> command) against DCMTK's storescp. storescp cannot bind to loopback only,
/// so both run inside a private network namespace (<c>unshare -rn</c>) that has nothing but its own loopback: the
/// fixed port there cannot collide with anything on the machine.
/// </summary>
public sealed class StorescpPeerTests
{
    private const string Script = """
        ip link set lo up || exit 90
        storescp --aetitle STORESCP +xa -od "$OUT" 11112 &
        SCP=$!
        for i in $(seq 1 100); do echoscu -aec STORESCP 127.0.0.1 11112 2>/dev/null && break; sleep 0.05; done
        "$TELEMED" dicom echo 127.0.0.1 11112 --aet OUR_SCU --aec STORESCP || exit 91
        "$TELEMED" dicom send 127.0.0.1 11112 --aet OUR_SCU --aec STORESCP "$@"
        RC=$?
        kill $SCP
        exit $RC
        """;

    [Fact]
    public async Task Files_our_SCU_sends_are_written_by_storescp_with_equal_data_sets()
    {
        IReadOnlyList<string> files = NetworkCorpus.Select(2, 3_000_000,
            "1.2.840.10008.1.2.1", "1.2.840.10008.1.2", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.70");
        string output = Path.Combine(Path.GetTempPath(), $"telemed-storescp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(output);
        try
        {
            string telemed = Path.Combine(AppContext.BaseDirectory, "telemed");
            Environment.SetEnvironmentVariable("OUT", output);
            Environment.SetEnvironmentVariable("TELEMED", telemed);
            DcmtkProcess.Result result = await DcmtkProcess.RunAsync("unshare", ["-rn", "sh", "-c", Script, "sh", .. files]);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("C-ECHO status 0x0000", result.Output, StringComparison.Ordinal);
            string[] written = Directory.GetFiles(output);
            Assert.Equal(files.Count, written.Length);
            foreach (string file in files)
            {
                string instance = Telemed.Dicom.Files.DicomFile.Open(file).Dataset.GetUid(new Telemed.Dicom.Tags.DicomTag(0x0008, 0x0018));
                string stored = written.Single(w => Path.GetFileName(w).EndsWith(instance, StringComparison.Ordinal));
                DatasetComparison.AssertSameDataSet(file, stored);
            }

            // Every line reports success, in the file's own syntax (storescp +xa accepts them all).
            string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("0x", StringComparison.Ordinal)).ToArray();
            Assert.Equal(files.Count, lines.Length);
            Assert.All(lines, l => Assert.StartsWith("0x0000 ", l, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private const string TlsScript = """
        ip link set lo up || exit 90
        TLS_SCP="+tls $CERTS/server.key $CERTS/server.pem +cf $CERTS/client.pem"
        storescp --aetitle STORESCP $TLS_SCP +xa -od "$OUT" 11113 &
        SCP=$!
        for i in $(seq 1 100); do echoscu +tls $CERTS/client.key $CERTS/client.pem +cf $CERTS/server.pem -aec STORESCP 127.0.0.1 11113 2>/dev/null && break; sleep 0.05; done
        OURS="--aet OUR_SCU --aec STORESCP --tls-ca $CERTS/server.pem --tls-host localhost --tls-cert $CERTS/client.pem --tls-key $CERTS/client.key"
        "$TELEMED" dicom echo 127.0.0.1 11113 $OURS || exit 91
        # Without trusting the server's self-signed certificate our SCU must refuse to go on.
        "$TELEMED" dicom echo 127.0.0.1 11113 --aet OUR_SCU --aec STORESCP --tls --tls-host localhost && exit 92
        "$TELEMED" dicom send 127.0.0.1 11113 $OURS "$@"
        RC=$?
        kill $SCP
        exit $RC
        """;

    [Fact]
    public async Task Our_SCU_stores_over_TLS_into_storescp_with_mutual_certificates()
    {
        IReadOnlyList<string> files = NetworkCorpus.Select(1, 3_000_000, "1.2.840.10008.1.2.1", "1.2.840.10008.1.2");
        using var certificates = new TestCertificates();
        string output = Directory.CreateTempSubdirectory("telemed-storescp-tls-").FullName;
        try
        {
            Environment.SetEnvironmentVariable("OUT", output);
            Environment.SetEnvironmentVariable("CERTS", certificates.Directory);
            Environment.SetEnvironmentVariable("TELEMED", Path.Combine(AppContext.BaseDirectory, "telemed"));
            DcmtkProcess.Result result = await DcmtkProcess.RunAsync("unshare", ["-rn", "sh", "-c", TlsScript, "sh", .. files]);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("C-ECHO status 0x0000", result.Output, StringComparison.Ordinal);
            Assert.Contains("telemed: ", result.Output, StringComparison.Ordinal);
            string[] written = Directory.GetFiles(output);
            Assert.Equal(files.Count, written.Length);
            foreach (string file in files)
            {
                string instance = Telemed.Dicom.Files.DicomFile.Open(file).Dataset.GetUid(new Telemed.Dicom.Tags.DicomTag(0x0008, 0x0018));
                DatasetComparison.AssertSameDataSet(file, written.Single(w => Path.GetFileName(w).EndsWith(instance, StringComparison.Ordinal)));
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
