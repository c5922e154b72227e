using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using Telemed.Dicom.Network;
using Xunit;

namespace Telemed.Dicom.Tests.Network;

/// <summary>
/// Broken and hostile peers over raw TCP: each is aborted with a reason (the A-ABORT it receives and the server's
/// reported outcome) while another association, opened in the middle of it, completes a C-ECHO normally.
/// </summary>
public sealed class HostileClientTests
{
    // The hostile association's outcome when it was reported before the good one's.
    private AssociationOutcome? pending;

    private static readonly DicomAssociationOptions ShortTimers = new()
    {
        ArtimTimeout = TimeSpan.FromSeconds(1),
        IdleTimeout = TimeSpan.FromSeconds(1),
        PduTimeout = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public async Task An_unknown_PDU_type_is_aborted_as_unrecognized_PDU()
    {
        await using var server = new TestServer(association: ShortTimers);
        using Socket hostile = await ConnectAsync(server);
        await hostile.SendAsync(new byte[] { 0x09, 0, 0, 0, 0, 4, 1, 2, 3, 4 });

        await AssertEchoWorksAsync(server);
        await AssertAbortedAsync(hostile, AbortReason.UnrecognizedPdu);
        AssertOutcome(server, AbortReason.UnrecognizedPdu);
    }

    [Fact]
    public async Task P_DATA_before_association_is_aborted_as_unexpected_PDU()
    {
        await using var server = new TestServer(association: ShortTimers);
        using Socket hostile = await ConnectAsync(server);
        // P-DATA-TF with one PDV: context 1, command, last fragment, two bytes of payload.
        await hostile.SendAsync(new byte[] { 0x04, 0, 0, 0, 0, 8, 0, 0, 0, 4, 1, 3, 0xAA, 0xBB });

        await AssertEchoWorksAsync(server);
        await AssertAbortedAsync(hostile, AbortReason.UnexpectedPdu);
        AssertOutcome(server, AbortReason.UnexpectedPdu);
    }

    [Fact]
    public async Task An_absurd_association_request_length_is_aborted_before_any_of_it_is_read()
    {
        await using var server = new TestServer(association: ShortTimers);
        using Socket hostile = await ConnectAsync(server);
        await hostile.SendAsync(new byte[] { 0x01, 0, 0x7F, 0xFF, 0xFF, 0xFF, 0, 1 });

        await AssertEchoWorksAsync(server);
        await AssertAbortedAsync(hostile, AbortReason.InvalidPduParameterValue);
        AssertOutcome(server, AbortReason.InvalidPduParameterValue);
    }

    [Fact]
    public async Task A_P_DATA_longer_than_the_negotiated_maximum_is_aborted()
    {
        await using var server = new TestServer(association: ShortTimers);
        using Socket hostile = await ConnectAsync(server);
        await AssociateAsync(hostile);
        // 16 MiB announced against the 16 KiB this server accepts (PS3.8 §D.1).
        await hostile.SendAsync(new byte[] { 0x04, 0, 0x01, 0x00, 0x00, 0x00, 0, 0, 0, 0 });

        await AssertEchoWorksAsync(server);
        await AssertAbortedAsync(hostile, AbortReason.InvalidPduParameterValue);
        AssertOutcome(server, AbortReason.InvalidPduParameterValue, "exceeds the negotiated maximum");
    }

    [Fact]
    public async Task A_truncated_PDU_is_aborted_when_the_peer_stops_sending()
    {
        await using var server = new TestServer(association: ShortTimers);
        using Socket hostile = await ConnectAsync(server);
        byte[] request = AssociationPduCodec.EncodeRequest(EchoRequest("HOSTILE"));
        await hostile.SendAsync(request.AsMemory(0, request.Length / 2));
        hostile.Shutdown(SocketShutdown.Send);

        await AssertEchoWorksAsync(server);
        await AssertAbortedAsync(hostile, AbortReason.InvalidPduParameterValue);
        AssertOutcome(server, AbortReason.InvalidPduParameterValue, "truncated");
    }

    [Fact]
    public async Task A_malformed_presentation_context_item_is_aborted_as_invalid_parameter()
    {
        await using var server = new TestServer(association: ShortTimers);
        using Socket hostile = await ConnectAsync(server);
        byte[] request = AssociationPduCodec.EncodeRequest(EchoRequest("HOSTILE"));
        // The presentation context item (0x20) follows the application context item: make its length overrun the PDU.
        int item = Array.IndexOf(request, (byte)0x20, 6 + 68);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(item + 2), 0xFFF0);
        await hostile.SendAsync(request);

        await AssertEchoWorksAsync(server);
        await AssertAbortedAsync(hostile, AbortReason.InvalidPduParameterValue);
        AssertOutcome(server, AbortReason.InvalidPduParameterValue, "item 0x20");
    }

    [Fact]
    public async Task A_slowloris_association_request_is_cut_off_by_ARTIM()
    {
        await using var server = new TestServer(association: ShortTimers);
        using Socket hostile = await ConnectAsync(server);
        byte[] request = AssociationPduCodec.EncodeRequest(EchoRequest("HOSTILE"));
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        Task trickle = Task.Run(async () =>
        {
            // One byte every 100 ms: each read makes progress, only the ARTIM deadline for the whole RQ stops it.
            for (int i = 0; i < request.Length && !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await hostile.SendAsync(request.AsMemory(i, 1));
                    await Task.Delay(100, stop.Token);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    return;
                }
            }
        });

        await AssertEchoWorksAsync(server);
        AssociationOutcome outcome = server.NextOutcome(TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await trickle;

        Assert.Equal(AssociationEnd.AbortedLocally, outcome.End);
        Assert.Contains("ARTIM", outcome.Detail, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
        // PS3.8 §9.2 AA-2: ARTIM expiry in Sta2 closes the connection without sending a PDU.
        Assert.Empty(await ReadUntilClosedAsync(hostile));
    }

    [Fact]
    public async Task A_slowloris_inside_a_P_DATA_PDU_is_cut_off_by_the_PDU_timer()
    {
        await using var server = new TestServer(association: ShortTimers);
        using Socket hostile = await ConnectAsync(server);
        await AssociateAsync(hostile);
        // A P-DATA-TF announcing a 250-byte command PDV, whose payload then trickles in.
        await hostile.SendAsync(new byte[] { 0x04, 0, 0, 0, 0x01, 0x00, 0, 0, 0, 250, 1, 0x03 });
        using var stop = new CancellationTokenSource();
        Task trickle = Task.Run(async () =>
        {
            for (int i = 0; i < 256 && !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await hostile.SendAsync(new byte[] { 0 });
                    await Task.Delay(100, stop.Token);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    return;
                }
            }
        });

        await AssertEchoWorksAsync(server);
        AssociationOutcome outcome = server.NextOutcome(TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await trickle;

        Assert.Equal(AssociationEnd.AbortedLocally, outcome.End);
        Assert.Equal(AbortSource.ServiceProvider, outcome.AbortSource);
        Assert.Contains("timer", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_idle_association_is_aborted_after_the_idle_timeout()
    {
        await using var server = new TestServer(association: ShortTimers);
        using Socket hostile = await ConnectAsync(server);
        await AssociateAsync(hostile);
        var clock = Stopwatch.StartNew();

        await AssertEchoWorksAsync(server);
        await AssertAbortedAsync(hostile, AbortReason.NotSpecified);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(4));
        AssertOutcome(server, AbortReason.NotSpecified);
    }

    [Fact]
    public async Task A_peer_abort_mid_data_set_is_reported_and_the_handler_sees_the_failure()
    {
        using var handler = new RecordingStoreHandler();
        await using var server = new TestServer(handler, association: ShortTimers);
        using Socket hostile = await ConnectAsync(server);
        await AssociateAsync(hostile, StorageSopClasses.SecondaryCapture);
        byte[] command = DicomCommand.StoreRequest(1, StorageSopClasses.SecondaryCapture, "1.2.3.4").Encode();
        await hostile.SendAsync(Pdv(1, command, isCommand: true, last: true));
        await hostile.SendAsync(Pdv(1, new byte[100], isCommand: false, last: false));
        await hostile.SendAsync(new byte[] { 0x07, 0, 0, 0, 0, 4, 0, 0, 0, 0 });

        AssociationOutcome outcome = server.NextOutcome();
        Assert.Equal(AssociationEnd.AbortedByPeer, outcome.End);
        Assert.Equal(AbortSource.ServiceUser, outcome.AbortSource);
        Assert.Empty(handler.Received);
        await AssertEchoWorksAsync(server);
    }

    internal static byte[] Pdv(byte context, ReadOnlySpan<byte> payload, bool isCommand, bool last)
    {
        byte[] pdu = new byte[12 + payload.Length];
        pdu[0] = 0x04;
        BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(2), (uint)(6 + payload.Length));
        BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(6), (uint)(2 + payload.Length));
        pdu[10] = context;
        pdu[11] = (byte)((isCommand ? 1 : 0) | (last ? 2 : 0));
        payload.CopyTo(pdu.AsSpan(12));
        return pdu;
    }

    private static AssociationRequest EchoRequest(string callingAe, string? sopClass = null) => new()
    {
        CallingAeTitle = callingAe,
        CalledAeTitle = TestServer.AeTitle,
        PresentationContexts = [new PresentationContext(1, sopClass ?? StorageSopClasses.Verification, ["1.2.840.10008.1.2"])],
    };

    private static async Task<Socket> ConnectAsync(TestServer server)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync("127.0.0.1", server.Port);
        return socket;
    }

    /// <summary>Sends a valid A-ASSOCIATE-RQ and reads the A-ASSOCIATE-AC.</summary>
    private static async Task AssociateAsync(Socket socket, string? sopClass = null)
    {
        await socket.SendAsync(AssociationPduCodec.EncodeRequest(EchoRequest("HOSTILE", sopClass)));
        byte[] header = new byte[6];
        await socket.ReceiveAsync(header.AsMemory(), SocketFlags.None);
        Assert.Equal(0x02, header[0]);
        byte[] body = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(2))];
        int read = 0;
        while (read < body.Length)
        {
            read += await socket.ReceiveAsync(body.AsMemory(read), SocketFlags.None);
        }
    }

    private async Task AssertEchoWorksAsync(TestServer server)
    {
        ushort status = await EchoScu.EchoAsync("127.0.0.1", server.Port, "GOOD", TestServer.AeTitle);
        Assert.Equal(DicomStatus.Success, status);
        AssociationOutcome outcome = server.NextOutcome();
        // The hostile association may end first: put it back in order by looking for the good one.
        if (outcome.CallingAeTitle != "GOOD")
        {
            AssociationOutcome good = server.NextOutcome();
            Assert.Equal(AssociationEnd.Released, good.End);
            pending = outcome;
        }
        else
        {
            Assert.Equal(AssociationEnd.Released, outcome.End);
        }
    }


    private void AssertOutcome(TestServer server, AbortReason reason, string? detail = null)
    {
        AssociationOutcome outcome = pending ?? server.NextOutcome();
        pending = null;
        Assert.Equal(AssociationEnd.AbortedLocally, outcome.End);
        Assert.Equal(AbortSource.ServiceProvider, outcome.AbortSource);
        Assert.Equal(reason, outcome.AbortReason);
        if (detail is not null)
        {
            Assert.Contains(detail, outcome.Detail, StringComparison.Ordinal);
        }
    }

    /// <summary>The peer must receive exactly an A-ABORT (PS3.8 §9.3.8) from the service provider with this reason, then EOF.</summary>
    private static async Task AssertAbortedAsync(Socket socket, AbortReason reason)
    {
        byte[] received = await ReadUntilClosedAsync(socket);
        Assert.Equal(new byte[] { 0x07, 0, 0, 0, 0, 4, 0, 0, (byte)AbortSource.ServiceProvider, (byte)reason }, received);
    }

    private static async Task<byte[]> ReadUntilClosedAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new MemoryStream();
        byte[] buffer = new byte[1024];
        while (true)
        {
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            }
            catch (SocketException)
            {
                break;
            }

            if (n == 0)
            {
                break;
            }

            received.Write(buffer, 0, n);
        }

        return received.ToArray();
    }
}
