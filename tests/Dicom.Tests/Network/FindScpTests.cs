using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Network;
using Xunit;

namespace Telemed.Dicom.Tests.Network;

/// <summary>Our C-FIND SCP (Modality Worklist, PS3.4 Annex K) against DCMTK's findscu, and our FindScu against it, over TCP.</summary>
public sealed class FindScpTests : IDisposable
{
    private static readonly DicomDataset[] Worklist =
    [
        WorklistHandler.Item("王^小明", "P001", "A1"),
        WorklistHandler.Item("王^芳", "P002", "A2"),
        WorklistHandler.Item("Smith^John", "P003", "A3"),
    ];

    private readonly string output = Directory.CreateTempSubdirectory("telemed-findscu-").FullName;

    public void Dispose() => Directory.Delete(output, recursive: true);

    [Fact]
    public async Task Findscu_gets_the_matching_worklist_items_with_chinese_names_in_ISO_IR_192()
    {
        var handler = new WorklistHandler(Worklist);
        await using var server = new TestServer(new DicomServices { Find = handler });

        DcmtkProcess.Result result = await Findscu(server, "-k", "SpecificCharacterSet=ISO_IR 192", "-k", "PatientName=王*", "-k", "PatientID", "-k", "AccessionNumber");

        Assert.True(result.ExitCode == 0, result.ToString());
        // The identifier was decoded with its own character set (PS3.5 §6.1.2.5.3): the wildcard reached us as written.
        Assert.Equal("王*", Assert.Single(handler.QueriedNames));
        Assert.Equal(FindSopClasses.ModalityWorklist, handler.LastRequest!.SopClassUid);
        Assert.Equal("FINDSCU", handler.LastRequest.CallingAeTitle);
        string[] files = [.. Directory.GetFiles(output, "rsp*.dcm").Order()];
        Assert.Equal(2, files.Length);
        DicomDataset first = DicomFile.Open(files[0]).Dataset;
        DicomDataset second = DicomFile.Open(files[1]).Dataset;
        Assert.Equal("ISO_IR 192", first.CharacterSet.SpecificCharacterSet);
        Assert.Equal("王^小明", first.GetString(WorklistHandler.PatientName));
        Assert.Equal("王^芳", second.GetString(WorklistHandler.PatientName));
        Assert.Equal("P002", second.GetString(WorklistHandler.PatientId).Trim());
        Assert.Contains("Pending", result.Output, StringComparison.Ordinal);
        Assert.Contains("Success", result.Output, StringComparison.Ordinal);
        Assert.Equal(AssociationEnd.Released, server.NextOutcome().End);
    }

    [Fact]
    public async Task Findscu_with_no_match_gets_success_alone()
    {
        await using var server = new TestServer(new DicomServices { Find = new WorklistHandler(Worklist) });

        DcmtkProcess.Result result = await Findscu(server, "-k", "PatientID=NOBODY", "-k", "PatientName");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(Directory.GetFiles(output, "rsp*.dcm"));
        Assert.DoesNotContain("Pending", result.Output, StringComparison.Ordinal);
        Assert.Contains("Success", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Findscu_cancel_after_one_response_ends_the_find_with_FE00()
    {
        var handler = new WorklistHandler(Worklist, pauseAfter: 1);
        await using var server = new TestServer(new DicomServices { Find = handler });

        DcmtkProcess.Result result = await Findscu(server, "-d", "--cancel", "1", "-k", "PatientName", "-k", "PatientID");

        Assert.True(result.ExitCode == 0, result.ToString());
        await handler.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Single(Directory.GetFiles(output, "rsp*.dcm"));
        Assert.Contains("Cancel", result.Output, StringComparison.Ordinal);
        Assert.Contains("0xfe00", result.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_failing_handler_gives_findscu_a_C000_failure_with_the_error_comment()
    {
        var handler = new WorklistHandler(Worklist, failWith: new InvalidOperationException("worklist database unavailable"));
        await using var server = new TestServer(new DicomServices { Find = handler });

        DcmtkProcess.Result result = await Findscu(server, "-d", "-k", "PatientName");

        Assert.Contains("0xc000", result.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("worklist database unavailable", result.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(output, "rsp*.dcm"));
        Assert.Equal(AssociationEnd.Released, server.NextOutcome().End);
    }

    [Fact]
    public async Task Without_a_find_handler_the_worklist_SOP_class_is_not_accepted()
    {
        await using var server = new TestServer(new DicomServices());

        DcmtkProcess.Result result = await Findscu(server, "-k", "PatientName");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("No Acceptable Presentation Contexts", result.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Our_FindScu_collects_matches_cancels_and_reports_failures()
    {
        var identifier = new DicomDatasetBuilder(Telemed.Dicom.Text.DicomCharacterSet.FromSpecificCharacterSet("ISO_IR 192"))
            .Add("PatientName", "王*").Add("PatientID", "").Build();
        await using (var server = new TestServer(new DicomServices { Find = new WorklistHandler(Worklist) }))
        {
            FindResult found = await new FindScu("OUR_SCU", TestServer.AeTitle).FindAsync("127.0.0.1", server.Port, FindSopClasses.ModalityWorklist, identifier);
            Assert.Equal(DicomStatus.Success, found.Status);
            Assert.Equal(["王^小明", "王^芳"], found.Matches.Select(m => m.GetString(WorklistHandler.PatientName)));
        }

        var paused = new WorklistHandler(Worklist, pauseAfter: 1);
        await using (var server = new TestServer(new DicomServices { Find = paused }))
        {
            FindResult cancelled = await new FindScu("OUR_SCU", TestServer.AeTitle).FindAsync("127.0.0.1", server.Port, FindSopClasses.ModalityWorklist, identifier, cancelAfter: 1);
            Assert.Equal(DicomStatus.Cancel, cancelled.Status);
            Assert.Single(cancelled.Matches);
            Assert.Equal(AssociationEnd.Released, server.NextOutcome().End);
        }

        await using (var server = new TestServer(new DicomServices { Find = new WorklistHandler(Worklist, failWith: new IOException("disk gone")) }))
        {
            FindResult failed = await new FindScu("OUR_SCU", TestServer.AeTitle).FindAsync("127.0.0.1", server.Port, FindSopClasses.ModalityWorklist, identifier);
            Assert.Equal(DicomStatus.OutOfResources, failed.Status);
            Assert.Equal("disk gone", failed.ErrorComment);
            Assert.Empty(failed.Matches);
        }
    }

    [Fact]
    public async Task The_telemed_find_command_prints_one_line_per_match_and_the_status()
    {
        await using var server = new TestServer(new DicomServices { Find = new WorklistHandler(Worklist) });

        DcmtkProcess.Result result = await DcmtkProcess.RunAsync(Path.Combine(AppContext.BaseDirectory, "telemed"),
            ["dicom", "find", "127.0.0.1", server.Port.ToString(), "PatientName=王*", "PatientID", "--aet", "CLI", "--aec", TestServer.AeTitle]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("PatientName=王^小明 | PatientID=P001", result.Output, StringComparison.Ordinal);
        Assert.Contains("PatientName=王^芳 | PatientID=P002", result.Output, StringComparison.Ordinal);
        Assert.Contains("C-FIND status 0x0000, 2 match(es)", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_identifier_is_answered_with_A900_and_the_association_carries_on()
    {
        await using var server = new TestServer(new DicomServices { Find = new WorklistHandler(Worklist) });
        var request = new AssociationRequest
        {
            CallingAeTitle = "HOSTILE",
            CalledAeTitle = TestServer.AeTitle,
            PresentationContexts = [new PresentationContext(1, FindSopClasses.ModalityWorklist, [DicomTransferSyntax.ExplicitVRLittleEndian.Uid])],
        };
        await using DicomAssociation association = await DicomAssociation.ConnectAsync("127.0.0.1", server.Port, request);

        // An element header claiming 0xFFFFFFF0 bytes of value in a 14-byte data set.
        byte[] garbage = [0x10, 0x00, 0x10, 0x00, (byte)'P', (byte)'N', 0xF0, 0xFF, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46];
        await association.SendMessageAsync(1, DicomCommand.FindRequest(7, FindSopClasses.ModalityWorklist), garbage, CancellationToken.None);
        DicomCommand refused = await EchoScu.ReadResponseAsync(association, 7);
        var identifier = new DicomDatasetBuilder().Add("PatientID", "P003").Build();
        await association.SendMessageAsync(1, DicomCommand.FindRequest(8, FindSopClasses.ModalityWorklist), DimseDataSet.Encode(identifier, DicomTransferSyntax.ExplicitVRLittleEndian), CancellationToken.None);
        (DicomCommand pending, _) = (await association.ReadCommandAsync())!.Value;
        DicomDataset match = await DimseDataSet.ReadAsync(association, DicomTransferSyntax.ExplicitVRLittleEndian);
        DicomCommand final = await EchoScu.ReadResponseAsync(association, 8);
        await association.ReleaseAsync();

        Assert.Equal(DicomStatus.DataSetDoesNotMatchSopClass, refused.Status);
        Assert.Equal(DicomStatus.Pending, pending.Status);
        Assert.Equal(FindSopClasses.ModalityWorklist, pending.AffectedSopClassUid);
        Assert.True(pending.HasDataSet);
        Assert.Equal("Smith^John", match.GetString(WorklistHandler.PatientName));
        Assert.Equal(DicomStatus.Success, final.Status);
        Assert.False(final.HasDataSet);
        Assert.Equal(AssociationEnd.Released, server.NextOutcome().End);
    }

    private Task<DcmtkProcess.Result> Findscu(TestServer server, params string[] keys) =>
        DcmtkProcess.RunAsync("findscu", ["-v", "-W", "-X", "-od", output, "-aet", "FINDSCU", "-aec", TestServer.AeTitle, .. keys, "127.0.0.1", server.Port.ToString()]);
}
