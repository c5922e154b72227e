using Telemed.Dicom.Files;
using Telemed.Dicom.Network;
using Xunit;

namespace Telemed.Dicom.Tests.Network;

/// <summary>Our C-STORE SCU against our SCP over TCP: syntax choice, conversion, fragmentation, per-file status.</summary>
public sealed class StoreScuTests
{
    private const string ExplicitLE = "1.2.840.10008.1.2.1";
    private const string ImplicitLE = "1.2.840.10008.1.2";
    private const string ExplicitBE = "1.2.840.10008.1.2.2";

    [Fact]
    public async Task Files_travel_in_their_own_transfer_syntax_and_arrive_equal()
    {
        IReadOnlyList<string> files = NetworkCorpus.Select(2, 3_000_000,
            ExplicitLE, ImplicitLE, ExplicitBE, "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.70");
        using var handler = new RecordingStoreHandler();
        await using var server = new TestServer(handler);

        IReadOnlyList<StoreOutcome> outcomes = await new StoreScu("OUR_SCU", TestServer.AeTitle).SendAsync("127.0.0.1", server.Port, files);

        Assert.Equal(files.Count, outcomes.Count);
        foreach (StoreOutcome outcome in outcomes)
        {
            Assert.True(outcome.Succeeded, $"{outcome.Path}: {outcome.Status:X4} {outcome.Error}");
            DicomFile original = DicomFile.Open(outcome.Path);
            Assert.Equal(original.TransferSyntax.Uid, outcome.TransferSyntaxUid);
            (StoreRequest request, string path, _) = handler.Received.Single(r => r.Request.SopInstanceUid == outcome.SopInstanceUid);
            Assert.Equal(original.TransferSyntax.Uid, request.TransferSyntax.Uid);
            DatasetComparison.AssertSameDataSet(outcome.Path, path);
        }

        Assert.Equal(AssociationEnd.Released, server.NextOutcome().End);
    }

    [Fact]
    public async Task Native_files_are_converted_when_the_SCP_accepts_only_implicit_VR_and_compressed_ones_are_reported_unsent()
    {
        IReadOnlyList<string> native = NetworkCorpus.Select(2, 3_000_000, ExplicitLE, ExplicitBE);
        string compressed = NetworkCorpus.Select(1, 3_000_000, "1.2.840.10008.1.2.4.50")[0];
        using var handler = new RecordingStoreHandler();
        await using var server = new DicomServer(
            new DicomServerOptions { AeTitle = TestServer.AeTitle, TransferSyntaxes = [ImplicitLE] }, handler);
        server.Start();

        IReadOnlyList<StoreOutcome> outcomes = await new StoreScu("OUR_SCU", TestServer.AeTitle)
            .SendAsync("127.0.0.1", server.LocalEndPoint.Port, [.. native, compressed]);

        foreach (StoreOutcome outcome in outcomes.Take(native.Count))
        {
            Assert.True(outcome.Succeeded, $"{outcome.Path}: {outcome.Error}");
            Assert.Equal(ImplicitLE, outcome.TransferSyntaxUid);
            (_, string path, _) = handler.Received.Single(r => r.Request.SopInstanceUid == outcome.SopInstanceUid);
            DatasetComparison.AssertSameDataSet(outcome.Path, path);
        }

        StoreOutcome refused = outcomes[^1];
        Assert.False(refused.Succeeded);
        Assert.Null(refused.Status);
        Assert.Contains("accepted no presentation context", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_sets_are_fragmented_to_the_peer_maximum_PDU_length()
    {
        // No slack: one byte over 4096 would abort the association.
        var small = new DicomAssociationOptions { MaxPduLength = 4096, PduLengthSlack = 0 };
        IReadOnlyList<string> files = NetworkCorpus.Select(3, 100_000, 3_000_000, ExplicitLE);
        using var handler = new RecordingStoreHandler();
        await using var server = new TestServer(handler, association: small);

        IReadOnlyList<StoreOutcome> outcomes = await new StoreScu("OUR_SCU", TestServer.AeTitle).SendAsync("127.0.0.1", server.Port, files);

        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error));
        Assert.Contains(handler.Received, r => r.Bytes > 10 * 4096);
        foreach ((StoreRequest request, string path, _) in handler.Received)
        {
            DatasetComparison.AssertSameDataSet(outcomes.Single(o => o.SopInstanceUid == request.SopInstanceUid).Path, path);
        }
    }

    [Fact]
    public async Task Each_file_gets_the_status_its_handler_returned()
    {
        IReadOnlyList<string> files = NetworkCorpus.Select(3, 3_000_000, ExplicitLE);
        string refusedInstance = DicomFile.Open(files[1]).Dataset.GetUid(new Telemed.Dicom.Tags.DicomTag(0x0008, 0x0018));
        using var handler = new RecordingStoreHandler
        {
            Answer = r => r.SopInstanceUid == refusedInstance ? StoreResult.DataSetDoesNotMatchSopClass("no pixel module") : StoreResult.Success,
        };
        await using var server = new TestServer(handler);

        IReadOnlyList<StoreOutcome> outcomes = await new StoreScu("OUR_SCU", TestServer.AeTitle).SendAsync("127.0.0.1", server.Port, files);

        Assert.Equal([DicomStatus.Success, DicomStatus.DataSetDoesNotMatchSopClass, DicomStatus.Success], outcomes.Select(o => o.Status ?? 0xFFFF));
        Assert.Equal("no pixel module", outcomes[1].Error);
    }

    [Fact]
    public async Task Echo_against_a_closed_port_fails_with_a_socket_error()
    {
        await using var server = new TestServer();
        int port = server.Port;
        await server.Server.StopAsync();

        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => EchoScu.EchoAsync("127.0.0.1", port, "A", TestServer.AeTitle));
    }
}
