using System.Net.Sockets;
using Telemed.Dicom.Network;
using Xunit;

namespace Telemed.Dicom.Tests.Network;

/// <summary>The listener: concurrent associations, graceful shutdown, peers that just hang up.</summary>
public sealed class DicomServerTests
{
    private static readonly AssociationRequest Echo = new()
    {
        CallingAeTitle = "DEVICE1",
        CalledAeTitle = TestServer.AeTitle,
        PresentationContexts = [new PresentationContext(1, StorageSopClasses.Verification, ["1.2.840.10008.1.2"])],
    };

    [Fact]
    public async Task Concurrent_storescu_associations_are_each_served_in_full()
    {
        IReadOnlyList<string> files = NetworkCorpus.Select(4, 3_000_000, "1.2.840.10008.1.2.1", "1.2.840.10008.1.2");
        using var handler = new RecordingStoreHandler();
        await using var server = new TestServer(handler);

        DcmtkProcess.Result[] results = await Task.WhenAll(Enumerable.Range(1, 4).Select(i => DcmtkProcess.RunAsync("storescu",
            ["-R", "-aet", $"MODALITY{i}", "-aec", TestServer.AeTitle, "127.0.0.1", server.Port.ToString(), .. files])));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.Equal(4 * files.Count, handler.Received.Count);
        Assert.Equal(4, handler.Received.Select(r => r.Request.CallingAeTitle).Distinct().Count());
        Assert.All(Enumerable.Range(0, 4).Select(_ => server.NextOutcome()), o => Assert.Equal(AssociationEnd.Released, o.End));
    }

    [Fact]
    public async Task Stopping_lets_an_association_finish_within_the_grace_period_then_aborts_the_rest()
    {
        await using var server = new TestServer();
        await using DicomAssociation finishing = await DicomAssociation.ConnectAsync("127.0.0.1", server.Port, Echo with { CallingAeTitle = "FINISHING" });
        await using DicomAssociation lingering = await DicomAssociation.ConnectAsync("127.0.0.1", server.Port, Echo with { CallingAeTitle = "LINGERING" });
        int port = server.Port;

        Task stopping = server.Server.StopAsync();
        // New connections are refused at once; running associations still work during the grace period.
        await Assert.ThrowsAnyAsync<SocketException>(() => EchoScu.EchoAsync("127.0.0.1", port, "LATE", TestServer.AeTitle));
        await finishing.SendMessageAsync(1, DicomCommand.EchoRequest(1), ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        var response = await finishing.ReadCommandAsync();
        Assert.Equal(DicomStatus.Success, response!.Value.Command.Status);
        await finishing.ReleaseAsync();
        await stopping;

        var outcomes = new[] { server.NextOutcome(), server.NextOutcome() }.ToDictionary(o => o.CallingAeTitle!);
        Assert.Equal(AssociationEnd.Released, outcomes["FINISHING"].End);
        Assert.Equal(AssociationEnd.AbortedLocally, outcomes["LINGERING"].End);
        Assert.Equal(AbortSource.ServiceUser, outcomes["LINGERING"].AbortSource);
        // The lingering peer was told: its next read finds the A-ABORT.
        var aborted = await Assert.ThrowsAsync<DicomAssociationAbortedException>(async () => await lingering.ReadCommandAsync());
        Assert.True(aborted.ByPeer);
        Assert.Equal(AbortSource.ServiceUser, aborted.AbortSource);
    }

    [Fact]
    public async Task A_peer_that_hangs_up_without_release_is_reported_as_a_peer_abort()
    {
        await using var server = new TestServer();
        using (var socket = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync("127.0.0.1", server.Port);
            await socket.SendAsync(AssociationPduCodec.EncodeRequest(Echo));
            // Read the whole A-ASSOCIATE-AC, so that closing sends FIN (unread data would make it a reset).
            byte[] ac = new byte[4096];
            int read = 0;
            while (read < 6 || read < 6 + System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(ac.AsSpan(2)))
            {
                read += await socket.ReceiveAsync(ac.AsMemory(read), SocketFlags.None);
            }

            Assert.Equal(0x02, ac[0]);
            socket.Shutdown(SocketShutdown.Both);
        }

        AssociationOutcome outcome = server.NextOutcome();
        Assert.Equal(AssociationEnd.AbortedByPeer, outcome.End);
        Assert.Contains("without A-RELEASE", outcome.Detail, StringComparison.Ordinal);
        Assert.Equal(0, server.Server.ActiveAssociations);
    }
}
