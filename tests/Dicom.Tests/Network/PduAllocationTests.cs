using System.Buffers;
using System.IO.Pipelines;
using Telemed.Dicom.Network;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Dicom.Tests.Network;

/// <summary>
/// The per-PDU receive and send paths allocate nothing: measured with the current thread's allocation counter
/// while every await completes synchronously (all bytes already in the pipe), so the figure is exact.
/// </summary>
public sealed class PduAllocationTests(ITestOutputHelper output)
{
    private const int Pdus = 512;
    private const int MaxPdu = 16384;

    // The first reads create the association's timer, and the test's pre-filled Pipe grows its segment pool as the
    // reader returns segments (to its cap of 256); neither recurs per PDU, so the count starts after them.
    private const int WarmUpPdus = 128;

    [Fact]
    public async Task Reading_a_data_set_PDU_by_PDU_allocates_nothing()
    {
        (DicomAssociation acceptor, DicomAssociation requestor, Pipe toAcceptor) = await ConnectInMemoryAsync();
        await using (acceptor)
        await using (requestor)
        {
            byte[] command = DicomCommand.StoreRequest(1, StorageSopClasses.SecondaryCapture, "1.2.3").Encode();
            await toAcceptor.Writer.WriteAsync(HostileClientTests.Pdv(1, command, isCommand: true, last: true));
            byte[] fragment = new byte[MaxPdu - 6];
            for (int i = 0; i < Pdus; i++)
            {
                await toAcceptor.Writer.WriteAsync(HostileClientTests.Pdv(1, fragment, isCommand: false, last: i == Pdus - 1));
            }

            Assert.NotNull(await acceptor.ReadCommandAsync());
            byte[] buffer = new byte[8192];
            long total = 0;
            long before = 0;
            while (true)
            {
                if (total == WarmUpPdus * (long)fragment.Length)
                {
                    before = GC.GetAllocatedBytesForCurrentThread();
                }

                ValueTask<int> read = acceptor.ReadDataAsync(buffer);
                Assert.True(read.IsCompletedSuccessfully, "a read waited although all bytes were in the pipe");
                // Already completed: awaiting it continues synchronously on this thread, so the counter stays exact.
                int n = await read;
                if (n == 0)
                {
                    break;
                }

                total += n;
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            output.WriteLine($"received {Pdus} P-DATA-TF PDUs ({total} bytes); after {WarmUpPdus} warm-up PDUs: {allocated} bytes allocated over {Pdus - WarmUpPdus} PDUs");
            Assert.Equal((long)Pdus * fragment.Length, total);
            Assert.True(allocated == 0, $"{allocated} bytes allocated over {Pdus - WarmUpPdus} PDUs");
        }
    }

    [Fact]
    public async Task Sending_a_data_set_allocates_nothing_per_PDU()
    {
        var wire = new CountingPipeWriter();
        (DicomAssociation acceptor, DicomAssociation requestor, _) = await ConnectInMemoryAsync(wire);
        await using (acceptor)
        await using (requestor)
        {
            byte[] dataSet = new byte[Pdus * (MaxPdu - 6)];
            DicomCommand command = DicomCommand.StoreRequest(1, StorageSopClasses.SecondaryCapture, "1.2.3");
            ValueTask warm = requestor.SendMessageAsync(1, command, dataSet.AsMemory(0, 100), CancellationToken.None);
            Assert.True(warm.IsCompletedSuccessfully);
            long before = GC.GetAllocatedBytesForCurrentThread();
            long wireBefore = wire.Written;
            ValueTask send = requestor.SendMessageAsync(1, command, dataSet, CancellationToken.None);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(send.IsCompletedSuccessfully, "a send waited on a writer that never pauses");
            long messageOnWire = wire.Written - wireBefore;
            Assert.True(messageOnWire == dataSet.Length + (Pdus * 12) + command.Encode().Length + 12, $"{messageOnWire} bytes on the wire");

            // Once per message the command set is encoded (its array and element list); nothing else may allocate.
            long encodeBefore = GC.GetAllocatedBytesForCurrentThread();
            _ = command.Encode();
            long commandSet = GC.GetAllocatedBytesForCurrentThread() - encodeBefore;
            output.WriteLine($"sent one C-STORE of {Pdus} data PDUs ({messageOnWire} bytes on the wire): {allocated} bytes allocated, of which {commandSet} encode the command set");
            Assert.True(allocated <= commandSet, $"{allocated} bytes allocated for one message of {Pdus} PDUs, {commandSet} of them for the command set");
        }
    }

    /// <summary>Requestor and acceptor joined by two in-memory pipes that never pause their writers.</summary>
    private static async Task<(DicomAssociation Acceptor, DicomAssociation Requestor, Pipe ToAcceptor)> ConnectInMemoryAsync(PipeWriter? requestorOutput = null)
    {
        var noPause = new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false);
        var toAcceptor = new Pipe(noPause);
        var toRequestor = new Pipe(noPause);
        var request = new AssociationRequest
        {
            CallingAeTitle = "SCU",
            CalledAeTitle = "SCP",
            PresentationContexts = [new PresentationContext(1, StorageSopClasses.SecondaryCapture, ["1.2.840.10008.1.2.1"])],
        };
        Task<DicomAssociation> accepting = DicomAssociation.AcceptAsync(
            new Duplex(toAcceptor.Reader, toRequestor.Writer),
            (rq, _) => ValueTask.FromResult(new AssociationAcceptance
            {
                CallingAeTitle = rq.CallingAeTitle,
                CalledAeTitle = rq.CalledAeTitle,
                PresentationContexts = [.. rq.PresentationContexts.Select(c => c with { Result = PresentationContextResult.Acceptance, AcceptedTransferSyntax = c.TransferSyntaxes[0] })],
            }));
        // With a counting writer the requestor's RQ never reaches the acceptor: hand it over by hand.
        DicomAssociation requestor;
        if (requestorOutput is CountingPipeWriter counting)
        {
            counting.Forward = toAcceptor.Writer;
            requestor = await DicomAssociation.RequestAsync(new Duplex(toRequestor.Reader, counting), request);
            counting.Forward = null;
        }
        else
        {
            requestor = await DicomAssociation.RequestAsync(new Duplex(toRequestor.Reader, toAcceptor.Writer), request);
        }

        DicomAssociation acceptor = await accepting;
        Assert.Equal(16384u, requestor.PeerMaxPduLength);
        return (acceptor, requestor, toAcceptor);
    }

    /// <summary>A transport that counts and discards what is written (optionally forwarding it, for the negotiation).</summary>
    private sealed class CountingPipeWriter : PipeWriter
    {
        private readonly byte[] buffer = new byte[64 * 1024];
        public long Written { get; private set; }

        public PipeWriter? Forward { get; set; }

        public override void Advance(int bytes)
        {
            Forward?.Write(buffer.AsSpan(0, bytes));
            Written += bytes;
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => buffer;

        public override Span<byte> GetSpan(int sizeHint = 0) => buffer;

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            return Forward is null ? ValueTask.FromResult(new FlushResult(false, false)) : Forward.FlushAsync(cancellationToken);
        }
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
