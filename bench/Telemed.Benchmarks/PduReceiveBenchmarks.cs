using System.Buffers.Binary;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using Telemed.Dicom.Network;

namespace Telemed.Benchmarks;

/// <summary>
/// The C-STORE receive hot path: one 8 MiB data set in 512 P-DATA-TF PDUs of 16 KiB, pumped into an in-memory pipe
/// in 64 KiB writes (as a socket would deliver them) while the acceptor reads the command and streams the data set
/// into an 8 KiB buffer, PDV by PDV. Allocations per operation are per message: the writer task and the command set.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RuntimeMoniker.Net10_0)]
public class PduReceiveBenchmarks
{
    private const int Pdus = 512;
    private const int MaxPdu = 16384;

    private readonly byte[] buffer = new byte[8192];
    private byte[] message = [];
    private Pipe toAcceptor = null!;
    private DicomAssociation acceptor = null!;

    [GlobalSetup]
    public void Setup()
    {
        toAcceptor = new Pipe();
        var toRequestor = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var request = new AssociationRequest
        {
            CallingAeTitle = "SCU",
            CalledAeTitle = "SCP",
            PresentationContexts = [new PresentationContext(1, StorageSopClasses.SecondaryCapture, ["1.2.840.10008.1.2.1"])],
        };
        toAcceptor.Writer.WriteAsync(AssociationPduCodec.EncodeRequest(request)).AsTask().GetAwaiter().GetResult();
        acceptor = DicomAssociation.AcceptAsync(
            new Duplex(toAcceptor.Reader, toRequestor.Writer),
            (rq, _) => ValueTask.FromResult(new AssociationAcceptance
            {
                CallingAeTitle = rq.CallingAeTitle,
                CalledAeTitle = rq.CalledAeTitle,
                PresentationContexts = [.. rq.PresentationContexts.Select(c => c with { Result = PresentationContextResult.Acceptance, AcceptedTransferSyntax = c.TransferSyntaxes[0] })],
            })).GetAwaiter().GetResult();

        using var bytes = new MemoryStream();
        bytes.Write(Pdv(DicomCommand.StoreRequest(1, StorageSopClasses.SecondaryCapture, "1.2.3").Encode(), isCommand: true, last: true));
        byte[] fragment = new byte[MaxPdu - 6];
        for (int i = 0; i < Pdus; i++)
        {
            bytes.Write(Pdv(fragment, isCommand: false, last: i == Pdus - 1));
        }

        message = bytes.ToArray();
    }

    [Benchmark(Description = "C-STORE receive, 8 MiB in 512 PDUs")]
    public async Task<long> ReceiveStore()
    {
        Task writer = Task.Run(async () =>
        {
            for (int offset = 0; offset < message.Length; offset += 65536)
            {
                await toAcceptor.Writer.WriteAsync(message.AsMemory(offset, Math.Min(65536, message.Length - offset)));
            }
        });
        _ = await acceptor.ReadCommandAsync() ?? throw new InvalidOperationException("no command");
        long total = 0;
        int n;
        while ((n = await acceptor.ReadDataAsync(buffer)) > 0)
        {
            total += n;
        }

        await writer;
        return total;
    }

    private static byte[] Pdv(ReadOnlySpan<byte> payload, bool isCommand, bool last)
    {
        byte[] pdu = new byte[12 + payload.Length];
        pdu[0] = 0x04;
        BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(2), (uint)(6 + payload.Length));
        BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(6), (uint)(2 + payload.Length));
        pdu[10] = 1;
        pdu[11] = (byte)((isCommand ? 1 : 0) | (last ? 2 : 0));
        payload.CopyTo(pdu.AsSpan(12));
        return pdu;
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
