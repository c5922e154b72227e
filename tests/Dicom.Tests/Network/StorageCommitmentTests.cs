using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using System.Collections.Concurrent;
using Telemed.Dicom.Network;
using Xunit;

namespace Telemed.Dicom.Tests.Network;

/// <summary>
/// Storage Commitment Push Model (PS3.4 Annex J), our SCU against our SCP over TCP, on both return paths. DCMTK 3.6.7
/// ships no storage commitment tool (no N-ACTION/N-EVENT-REPORT client or server), so there is no third-party peer here.
/// </summary>
public sealed class StorageCommitmentTests
{
    private const string Ct = "1.2.840.10008.5.1.4.1.1.2";
    private static readonly SopReference Stored1 = new(Ct, "1.2.3.4.1");
    private static readonly SopReference Stored2 = new(Ct, "1.2.3.4.2");
    private static readonly SopReference Missing = new(Ct, "1.2.3.4.999");

    [Fact]
    public async Task All_committed_is_reported_on_the_same_association()
    {
        var handler = new Committer(["1.2.3.4.1", "1.2.3.4.2"]);
        await using var server = new TestServer(new DicomServices { StorageCommitment = handler });

        StorageCommitmentResult result = await new StorageCommitmentScu("MODALITY", TestServer.AeTitle)
            .CommitAsync("127.0.0.1", server.Port, "1.2.3.99.1", [Stored1, Stored2]);

        Assert.Equal([Stored1, Stored2], result.Committed);
        Assert.Empty(result.Failed);
        StorageCommitmentRequest request = Assert.Single(handler.Requests);
        Assert.Equal("1.2.3.99.1", request.TransactionUid);
        Assert.Equal("MODALITY", request.CallingAeTitle);
        Assert.Equal([Stored1, Stored2], request.References);
        AssociationOutcome outcome = server.NextOutcome();
        Assert.Equal(AssociationEnd.Released, outcome.End);
        // N-ACTION-RQ and the N-EVENT-REPORT-RSP to our report.
        Assert.Equal(2, outcome.MessagesHandled);
    }

    [Fact]
    public async Task A_partial_failure_is_event_type_2_with_the_failure_reason()
    {
        await using var server = new TestServer(new DicomServices { StorageCommitment = new Committer(["1.2.3.4.1"]) });

        StorageCommitmentResult result = await new StorageCommitmentScu("MODALITY", TestServer.AeTitle)
            .CommitAsync("127.0.0.1", server.Port, "1.2.3.99.2", [Stored1, Missing]);

        Assert.Equal([Stored1], result.Committed);
        (SopReference reference, ushort reason) = Assert.Single(result.Failed);
        Assert.Equal(Missing, reference);
        Assert.Equal(0x0112, reason);
    }

    [Fact]
    public async Task After_the_requester_released_the_report_comes_on_a_new_association_to_its_listener()
    {
        var inbox = new StorageCommitmentInbox();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new Committer(["1.2.3.4.2"], gate: release.Task);
        await using var requester = new TestServer(new DicomServices { StorageCommitmentReports = inbox }, aeTitle: "MODALITY");
        await using var server = new TestServer(
            new DicomServices { StorageCommitment = handler },
            o => o with
            {
                StorageCommitment = new StorageCommitmentOptions
                {
                    ResolveRequester = r => r.CallingAeTitle == "MODALITY" ? new DicomPeer("127.0.0.1", requester.Port, "MODALITY") : null,
                },
            });

        Task<StorageCommitmentResult> commit = new StorageCommitmentScu("MODALITY", TestServer.AeTitle)
            .CommitAsync("127.0.0.1", server.Port, "1.2.3.99.3", [Stored2, Missing], inbox);
        // The requesting association is over before the handler answers.
        Assert.Equal(AssociationEnd.Released, server.NextOutcome().End);
        release.SetResult();
        StorageCommitmentResult result = await commit.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([Stored2], result.Committed);
        Assert.Equal(Missing, Assert.Single(result.Failed).Reference);
        AssociationOutcome back = requester.NextOutcome();
        Assert.Equal(AssociationEnd.Released, back.End);
        Assert.Equal(TestServer.AeTitle, back.CallingAeTitle);
        Assert.Equal("MODALITY", back.CalledAeTitle);
    }

    [Fact]
    public async Task A_report_that_crosses_the_requesters_release_is_sent_again_on_a_new_association()
    {
        // An instant handler: the report on the requesting association races the requester's A-RELEASE-RQ. Whichever
        // wins, the result must arrive once, in the inbox (the SCP only counts a report delivered on its RSP).
        var inbox = new StorageCommitmentInbox();
        await using var requester = new TestServer(new DicomServices { StorageCommitmentReports = inbox }, aeTitle: "MODALITY");
        await using var server = new TestServer(
            new DicomServices { StorageCommitment = new Committer(["1.2.3.4.1"]) },
            o => o with { StorageCommitment = new StorageCommitmentOptions { ResolveRequester = _ => new DicomPeer("127.0.0.1", requester.Port, "MODALITY") } });

        for (int i = 0; i < 5; i++)
        {
            StorageCommitmentResult result = await new StorageCommitmentScu("MODALITY", TestServer.AeTitle)
                .CommitAsync("127.0.0.1", server.Port, $"1.2.3.99.10.{i}", [Stored1], inbox).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal([Stored1], result.Committed);
        }
    }

    [Fact]
    public async Task A_handler_that_throws_fails_every_instance_with_0110()
    {
        await using var server = new TestServer(new DicomServices { StorageCommitment = new Committer([], fail: true) });

        StorageCommitmentResult result = await new StorageCommitmentScu("MODALITY", TestServer.AeTitle)
            .CommitAsync("127.0.0.1", server.Port, "1.2.3.99.4", [Stored1, Stored2]);

        Assert.Empty(result.Committed);
        Assert.Equal([(Stored1, DicomStatus.ProcessingFailure), (Stored2, DicomStatus.ProcessingFailure)], result.Failed);
    }

    [Fact]
    public async Task Without_a_commitment_handler_the_push_model_is_not_accepted()
    {
        await using var server = new TestServer(new DicomServices());

        await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => new StorageCommitmentScu("MODALITY", TestServer.AeTitle)
            .CommitAsync("127.0.0.1", server.Port, "1.2.3.99.5", [Stored1]));
    }

    [Fact]
    public async Task A_bad_action_type_or_missing_transaction_is_refused_without_a_report()
    {
        var handler = new Committer(["1.2.3.4.1"]);
        await using var server = new TestServer(new DicomServices { StorageCommitment = handler });
        var request = new AssociationRequest
        {
            CallingAeTitle = "HOSTILE",
            CalledAeTitle = TestServer.AeTitle,
            PresentationContexts = [new PresentationContext(1, StorageCommitmentSopClasses.PushModel, [DicomTransferSyntax.ExplicitVRLittleEndian.Uid])],
        };
        await using DicomAssociation association = await DicomAssociation.ConnectAsync("127.0.0.1", server.Port, request);
        byte[] valid = DimseDataSet.Encode(StorageCommitmentCodec.EncodeAction("1.2.3.99.6", [Stored1]), DicomTransferSyntax.ExplicitVRLittleEndian);
        byte[] noTransaction = DimseDataSet.Encode(new DicomDatasetBuilder().Add("PatientID", "X").Build(), DicomTransferSyntax.ExplicitVRLittleEndian);

        await association.SendMessageAsync(1, DicomCommand.ActionRequest(1, StorageCommitmentSopClasses.PushModel, StorageCommitmentSopClasses.PushModelInstance, 9), valid, CancellationToken.None);
        DicomCommand badType = await EchoScu.ReadResponseAsync(association, 1);
        await association.SendMessageAsync(1, DicomCommand.ActionRequest(2, StorageCommitmentSopClasses.PushModel, StorageCommitmentSopClasses.PushModelInstance, 1), noTransaction, CancellationToken.None);
        DicomCommand noUid = await EchoScu.ReadResponseAsync(association, 2);
        await association.SendMessageAsync(1, DicomCommand.ActionRequest(3, StorageCommitmentSopClasses.PushModel, "1.2.3", 1), valid, CancellationToken.None);
        DicomCommand badInstance = await EchoScu.ReadResponseAsync(association, 3);
        await association.ReleaseAsync();

        Assert.Equal(DicomStatus.NoSuchActionType, badType.Status);
        Assert.Equal(DicomStatus.InvalidArgumentValue, noUid.Status);
        Assert.Equal((ushort)0x0117, badInstance.Status);
        Assert.Equal(StorageCommitmentSopClasses.PushModel, badType.AffectedSopClassUid);
        Assert.Equal(StorageCommitmentSopClasses.PushModelInstance, badType.AffectedSopInstanceUid);
        Assert.Empty(handler.Requests);
        Assert.Equal(AssociationEnd.Released, server.NextOutcome().End);
    }

    /// <summary>Commits the instances it "has"; the rest fail with 0112 No Such Object Instance (PS3.4 §J.3.3.1.1).</summary>
    private sealed class Committer(HashSet<string> stored, Task? gate = null, bool fail = false) : IStorageCommitmentHandler
    {
        public ConcurrentQueue<StorageCommitmentRequest> Requests { get; } = [];

        public async ValueTask<StorageCommitmentResult> CommitAsync(StorageCommitmentRequest request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request);
            if (gate is not null)
            {
                await gate.WaitAsync(cancellationToken);
            }

            if (fail)
            {
                throw new InvalidOperationException("catalog offline");
            }

            return new StorageCommitmentResult(
                [.. request.References.Where(r => stored.Contains(r.SopInstanceUid))],
                [.. request.References.Where(r => !stored.Contains(r.SopInstanceUid)).Select(r => (r, (ushort)0x0112))]);
        }
    }
}
