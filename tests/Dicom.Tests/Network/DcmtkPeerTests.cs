using Telemed.Dicom.Files;
using Telemed.Dicom.Network;
using Telemed.Dicom.Tags;
using Xunit;

namespace Telemed.Dicom.Tests.Network;

/// <summary>Our SCP against DCMTK's echoscu and storescu over real TCP on loopback.</summary>
public sealed class DcmtkPeerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string ExplicitLE = "1.2.840.10008.1.2.1";
    private const string ImplicitLE = "1.2.840.10008.1.2";
    private const string ExplicitBE = "1.2.840.10008.1.2.2";
    private const string Deflated = "1.2.840.10008.1.2.1.99";
    private static readonly DicomTag SopInstanceUidTag = new(0x0008, 0x0018);

    [Fact]
    public async Task Echoscu_gets_success_from_our_scp()
    {
        await using var server = new TestServer();
        DcmtkProcess.Result result = await DcmtkProcess.RunAsync("echoscu", ["-d", "-aet", "DEVICE1", "-aec", TestServer.AeTitle, "127.0.0.1", server.Port.ToString()]);

        Assert.True(result.ExitCode == 0, result.ToString());
        // DCMTK parsed our A-ASSOCIATE-AC user information (PS3.7 Annex D.3.3.2).
        Assert.Contains($"Their Implementation Class UID:    {DicomFile.ImplementationClassUid}", result.Output, StringComparison.Ordinal);
        Assert.Contains($"Their Implementation Version Name: {DicomFile.ImplementationVersionName}", result.Output, StringComparison.Ordinal);
        Assert.Contains("Received Echo Response (Success)", result.Output, StringComparison.Ordinal);
        AssociationOutcome outcome = server.NextOutcome();
        Assert.Equal(AssociationEnd.Released, outcome.End);
        Assert.Equal("DEVICE1", outcome.CallingAeTitle);
        Assert.Equal(1, outcome.MessagesHandled);
    }

    [Fact]
    public async Task Echoscu_to_an_unknown_called_AE_is_rejected_permanently_with_reason_7()
    {
        await using var server = new TestServer();
        DcmtkProcess.Result result = await DcmtkProcess.RunAsync("echoscu", ["-aet", "DEVICE1", "-aec", "SOMEONE_ELSE", "127.0.0.1", server.Port.ToString()]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Called AE Title Not Recognized", result.Output, StringComparison.OrdinalIgnoreCase);
        AssociationOutcome outcome = server.NextOutcome();
        Assert.Equal(AssociationEnd.Rejected, outcome.End);
        Assert.Equal(AssociationRejection.CalledAeTitleNotRecognized, outcome.Rejection);
    }

    [Fact]
    public async Task Echoscu_from_an_unknown_calling_AE_is_rejected_by_the_policy()
    {
        var seen = new System.Collections.Concurrent.ConcurrentBag<System.Net.EndPoint?>();
        var policy = new DelegatePolicy(r =>
        {
            seen.Add(r.RemoteEndPoint);
            return r.CallingAeTitle == "KNOWN"
                ? AssociationDecision.Accept()
                : AssociationDecision.Reject(AssociationRejection.CallingAeTitleNotRecognized);
        });
        await using var server = new TestServer(policy: policy);

        DcmtkProcess.Result rejected = await DcmtkProcess.RunAsync("echoscu", ["-aet", "STRANGER", "-aec", TestServer.AeTitle, "127.0.0.1", server.Port.ToString()]);
        DcmtkProcess.Result accepted = await DcmtkProcess.RunAsync("echoscu", ["-aet", "KNOWN", "-aec", TestServer.AeTitle, "127.0.0.1", server.Port.ToString()]);

        Assert.NotEqual(0, rejected.ExitCode);
        Assert.Contains("Calling AE Title Not Recognized", rejected.Output, StringComparison.OrdinalIgnoreCase);
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.Equal(AssociationRejection.CallingAeTitleNotRecognized, server.NextOutcome().Rejection);
        Assert.Equal(AssociationEnd.Released, server.NextOutcome().End);
        // The policy sees where each request came from (a device's registered address can be checked there).
        Assert.All(seen, e => Assert.Equal(System.Net.IPAddress.Loopback, ((System.Net.IPEndPoint)e!).Address));
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public async Task A_per_AE_limit_in_the_policy_rejects_transiently_while_the_first_association_is_open()
    {
        int open = 0;
        var policy = new DelegatePolicy(_ => Interlocked.Increment(ref open) > 1
            ? Reject()
            : AssociationDecision.Accept(new Lease(() => Interlocked.Decrement(ref open))));
        await using var server = new TestServer(policy: policy);
        var request = new AssociationRequest
        {
            CallingAeTitle = "DEVICE1",
            CalledAeTitle = TestServer.AeTitle,
            PresentationContexts = [new PresentationContext(1, StorageSopClasses.Verification, [ImplicitLE])],
        };

        await using DicomAssociation first = await DicomAssociation.ConnectAsync("127.0.0.1", server.Port, request);
        DcmtkProcess.Result second = await DcmtkProcess.RunAsync("echoscu", ["-aet", "DEVICE1", "-aec", TestServer.AeTitle, "127.0.0.1", server.Port.ToString()]);
        await first.ReleaseAsync();
        DcmtkProcess.Result third = await DcmtkProcess.RunAsync("echoscu", ["-aet", "DEVICE1", "-aec", TestServer.AeTitle, "127.0.0.1", server.Port.ToString()]);

        Assert.NotEqual(0, second.ExitCode);
        Assert.Contains("Local Limit Exceeded", second.Output, StringComparison.OrdinalIgnoreCase);
        Assert.True(third.ExitCode == 0, third.ToString());

        AssociationDecision Reject()
        {
            Interlocked.Decrement(ref open);
            return AssociationDecision.Reject(AssociationRejection.LocalLimitExceeded);
        }
    }

    public static TheoryData<string, string, string[]> StorescuRuns() => new()
    {
        // -R: only the contexts the files need. storescu picks, per file, a context whose syntax needs no conversion
        // if one was accepted, so the runs name the syntax that must appear and the proposal that allows the others.
        { "--propose-uncompr", ExplicitLE, [ExplicitLE, ExplicitBE, ImplicitLE] },
        { "-xi", ImplicitLE, [ImplicitLE] },
        { "-xe", ExplicitLE, [ExplicitLE, ExplicitBE, ImplicitLE] },
        { "-xb", ExplicitBE, [ExplicitLE, ExplicitBE, ImplicitLE] },
        { "-xd", Deflated, [Deflated, ExplicitLE, ExplicitBE, ImplicitLE] },
    };

    [Theory]
    [MemberData(nameof(StorescuRuns))]
    public async Task Storescu_stores_corpus_files_whose_received_bytes_equal_the_originals(string proposal, string mustSee, string[] allowed)
    {
        IReadOnlyList<string> files = NetworkCorpus.Select(8, 3_000_000, ExplicitLE, ImplicitLE, ExplicitBE);
        Assert.True(files.Count >= 20, $"{proposal}: only {files.Count} corpus files selected");
        using var handler = new RecordingStoreHandler();
        await using var server = new TestServer(handler);

        DcmtkProcess.Result result = await DcmtkProcess.RunAsync("storescu",
            [proposal, "-R", "-aet", "MODALITY", "-aec", TestServer.AeTitle, "127.0.0.1", server.Port.ToString(), .. files]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(AssociationEnd.Released, server.NextOutcome().End);
        Assert.Equal(files.Count, handler.Received.Count);
        var byInstance = handler.Received.ToDictionary(r => r.Request.SopInstanceUid);
        foreach (string file in files)
        {
            DicomFile original = DicomFile.Open(file);
            var received = byInstance[original.Dataset.GetUid(SopInstanceUidTag)];
            Assert.Contains(received.Request.TransferSyntax.Uid, allowed);
            Assert.Equal("MODALITY", received.Request.CallingAeTitle);
            DatasetComparison.AssertSameDataSet(file, received.Path);
        }

        Assert.Contains(handler.Received, r => r.Request.TransferSyntax.Uid == mustSee);
        output.WriteLine($"storescu {proposal}: {files.Count} files, received in {string.Join(", ", handler.Received.GroupBy(r => r.Request.TransferSyntax.Name).Select(g => $"{g.Key} x{g.Count()}"))}");
    }

    /// <summary>storescu's proposal for each transfer syntax it can send without converting (PS3.5 Annex A).</summary>
    public static TheoryData<string, string[]> EveryValidInstanceRuns() => new()
    {
        { "--propose-uncompr", [ExplicitLE, ImplicitLE, ExplicitBE] },
        { "-xd", [Deflated] },
        { "-xy", ["1.2.840.10008.1.2.4.50"] },
        { "-xx", ["1.2.840.10008.1.2.4.51"] },
        { "-xs", ["1.2.840.10008.1.2.4.70"] },
        { "-xr", ["1.2.840.10008.1.2.5"] },
        { "-xt", ["1.2.840.10008.1.2.4.80"] },
        { "-xu", ["1.2.840.10008.1.2.4.81"] },
        { "-xv", ["1.2.840.10008.1.2.4.90"] },
        { "-xw", ["1.2.840.10008.1.2.4.91"] },
    };

    /// <summary>
    /// Every corpus instance of the storage classes we serve that dcmdump reads, in every transfer syntax storescu can
    /// propose: all arrive, each data set equal to the original. (JPEG process 14 with other predictors, .57, and the
    /// HTJ2K syntaxes cannot be proposed by storescu 3.6.7.)
    /// </summary>
    [Theory]
    [MemberData(nameof(EveryValidInstanceRuns))]
    public async Task Storescu_stores_every_valid_corpus_instance_intact(string proposal, string[] syntaxes)
    {
        IReadOnlyList<string> files = NetworkCorpus.Select(int.MaxValue, 64_000_000, syntaxes);
        Assert.NotEmpty(files);
        using var handler = new RecordingStoreHandler();
        await using var server = new TestServer(handler);

        DcmtkProcess.Result result = await DcmtkProcess.RunAsync("storescu",
            [proposal, "-R", "-aet", "MODALITY", "-aec", TestServer.AeTitle, "127.0.0.1", server.Port.ToString(), .. files], TimeSpan.FromMinutes(5));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(files.Count, handler.Received.Count);
        foreach (string file in files)
        {
            string instance = DicomFile.Open(file).Dataset.GetUid(SopInstanceUidTag);
            DatasetComparison.AssertSameDataSet(file, handler.Received.Single(r => r.Request.SopInstanceUid == instance).Path);
        }

        output.WriteLine($"storescu {proposal}: all {files.Count} valid instances stored intact");
    }

    [Theory]
    [InlineData("-xy", "1.2.840.10008.1.2.4.50")]
    [InlineData("-xs", "1.2.840.10008.1.2.4.70")]
    [InlineData("-xr", "1.2.840.10008.1.2.5")]
    [InlineData("-xt", "1.2.840.10008.1.2.4.80")]
    [InlineData("-xv", "1.2.840.10008.1.2.4.90")]
    [InlineData("-xw", "1.2.840.10008.1.2.4.91")]
    public async Task Storescu_sends_compressed_files_in_their_own_syntax_and_they_arrive_intact(string proposal, string syntax)
    {
        IReadOnlyList<string> files = NetworkCorpus.Select(3, 3_000_000, syntax);
        Assert.True(files.Count >= 2, $"only {files.Count} corpus files in {syntax}");
        using var handler = new RecordingStoreHandler();
        await using var server = new TestServer(handler);

        DcmtkProcess.Result result = await DcmtkProcess.RunAsync("storescu",
            [proposal, "-R", "-aet", "MODALITY", "-aec", TestServer.AeTitle, "127.0.0.1", server.Port.ToString(), .. files]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(files.Count, handler.Received.Count);
        foreach (string file in files)
        {
            string instance = DicomFile.Open(file).Dataset.GetUid(SopInstanceUidTag);
            (StoreRequest request, string path, _) = handler.Received.Single(r => r.Request.SopInstanceUid == instance);
            Assert.Equal(syntax, request.TransferSyntax.Uid);
            DatasetComparison.AssertSameDataSet(file, path);
        }
    }

    [Fact]
    public async Task A_handler_failure_status_reaches_storescu_after_the_handler_completed()
    {
        using var handler = new RecordingStoreHandler { Answer = _ => StoreResult.OutOfResources("disk full") };
        await using var server = new TestServer(handler);
        string file = NetworkCorpus.Select(1, 3_000_000, ExplicitLE)[0];

        DcmtkProcess.Result result = await DcmtkProcess.RunAsync("storescu",
            ["-v", "-aet", "MODALITY", "-aec", TestServer.AeTitle, "127.0.0.1", server.Port.ToString(), file]);

        Assert.Single(handler.Received);
        Assert.True(result.Output.Contains("Received Store Response (Refused: OutOfResources)", StringComparison.Ordinal), result.ToString());
        Assert.Equal(AssociationEnd.Released, server.NextOutcome().End);
    }

    private sealed class Lease(Action release) : IDisposable
    {
        public void Dispose() => release();
    }
}
