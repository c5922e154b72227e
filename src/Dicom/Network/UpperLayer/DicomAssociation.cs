using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Telemed.Dicom.Network;

/// <summary>
/// One DICOM association (PS3.8) over any duplex pipe, as requestor (SCU side, <see cref="RequestAsync"/>) or
/// acceptor (SCP side, <see cref="AcceptAsync"/>). It negotiates, then carries DIMSE messages as P-DATA-TF PDVs:
/// outgoing messages are fragmented to the peer's maximum PDU length; incoming ones are read PDV by PDV straight
/// off the <see cref="PipeReader"/>, the command set into a small buffer and the data set streamed to the caller,
/// so a large image never sits in memory. Any protocol violation ends in A-ABORT with a reason (PS3.8 §9.3.8).
/// </summary>
public sealed class DicomAssociation : IAsyncDisposable
{
    private static readonly TimeSpan AbortSendTimeout = TimeSpan.FromSeconds(2);

    private readonly PipeReader input;
    private readonly PipeWriter output;
    private readonly IAsyncDisposable? transportOwner;
    private readonly DicomAssociationOptions options;
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private byte[] commandBuffer;
    private readonly CancellationTokenRegistration shutdownRegistration;
    private CancellationTokenSource timer = new();
    private TimeSpan readBudget;
    private int closed;

    // The per-PDU methods use pooled async builders: a read that has to wait for the network would otherwise
    // allocate a state machine box per call (Kestrel's transport does the same).

    // Receive state of the P-DATA-TF stream (PS3.8 §9.3.5): bytes left in the current PDU body and PDV payload.
    private uint pduRemaining;
    private int pdvRemaining;
    private PdvHeader pdv;
    private bool dataInProgress;
    private bool dataEndsWithCurrentPdv;
    private byte dataContextId;
    private readonly bool[] acceptedContexts = new bool[256];
    private int transportCompleted;
    private bool awaitingPduBody;

    private DicomAssociation(IDuplexPipe transport, DicomAssociationOptions options, bool isRequestor, IAsyncDisposable? transportOwner, CancellationToken shutdown)
    {
        input = transport.Input;
        output = transport.Output;
        this.options = options;
        this.transportOwner = transportOwner;
        IsRequestor = isRequestor;
        commandBuffer = new byte[Math.Min(options.MaxCommandLength, 1024)];
        // Shutdown wakes a pending read instead of cancelling through its token, so the timer token stays the read's only token.
        shutdownRegistration = shutdown.Register(static state => ((PipeReader)state!).CancelPendingRead(), input);
    }

    public bool IsRequestor { get; }

    public AssociationRequest Request { get; private set; } = null!;

    public AssociationAcceptance Acceptance { get; private set; } = null!;

    /// <summary>The largest P-DATA-TF body the peer accepts (its Maximum Length Received, 0 = unlimited).</summary>
    public uint PeerMaxPduLength => IsRequestor ? Acceptance.MaxPduLength : Request.MaxPduLength;

    /// <summary>True once released or aborted; the transport is closed.</summary>
    public bool IsClosed => Volatile.Read(ref closed) != 0;

    /// <summary>Opens a TCP connection and requests an association on it (see <see cref="RequestAsync"/>).</summary>
    public static Task<DicomAssociation> ConnectAsync(string host, int port, AssociationRequest request, DicomAssociationOptions? options = null, CancellationToken cancellationToken = default) =>
        ConnectAsync(host, port, request, options, tls: null, cancellationToken);

    /// <summary>Opens a TCP connection, secured with TLS when <paramref name="tls"/> is given (PS3.15 §B.1), and requests an association on it.</summary>
    public static async Task<DicomAssociation> ConnectAsync(
        string host, int port, AssociationRequest request, DicomAssociationOptions? options, DicomTlsClientOptions? tls, CancellationToken cancellationToken = default)
    {
        (IDuplexPipe pipe, IAsyncDisposable owner) = await DicomTransport.ConnectAsync(host, port, tls, cancellationToken);
        return await RequestAsync(pipe, request, options, owner, cancellationToken);
    }

    /// <summary>
    /// Requestor side (PS3.8 §9.2 AE-2, AE-3): sends A-ASSOCIATE-RQ and waits, at most ARTIM, for the AC or RJ.
    /// The Maximum Length Received sent is <see cref="DicomAssociationOptions.MaxPduLength"/>, the limit this side enforces.
    /// Throws <see cref="DicomAssociationRejectedException"/> on RJ and <see cref="DicomAssociationAbortedException"/> on A-ABORT.
    /// </summary>
    public static async Task<DicomAssociation> RequestAsync(
        IDuplexPipe transport, AssociationRequest request, DicomAssociationOptions? options = null, IAsyncDisposable? transportOwner = null, CancellationToken cancellationToken = default)
    {
        options ??= DicomAssociationOptions.Default;
        var association = new DicomAssociation(transport, options, isRequestor: true, transportOwner, cancellationToken)
        {
            Request = request with { MaxPduLength = options.MaxPduLength },
        };
        try
        {
            await association.WriteAndFlushAsync(AssociationPduCodec.EncodeRequest(association.Request), cancellationToken);
            association.readBudget = options.ArtimTimeout;
            (PduHeader header, byte[] body) = await association.ReadWholePduAsync();
            switch (header.Type)
            {
                case PduType.AssociateAccept:
                    association.Acceptance = AssociationPduCodec.DecodeAcceptance(body, association.Request);
                    association.MarkAccepted(association.Acceptance.PresentationContexts);
                    return association;
                case PduType.AssociateReject:
                    await association.CloseTransportAsync();
                    throw new DicomAssociationRejectedException(AssociationPduCodec.DecodeRejection(body));
                case PduType.Abort:
                    await association.CloseTransportAsync();
                    throw PeerAbort(body);
                default:
                    throw new DicomProtocolException(AbortReason.UnexpectedPdu, $"{header.Type} in answer to A-ASSOCIATE-RQ (PS3.8 §9.2 Sta5)");
            }
        }
        catch (Exception e) when (e is not DicomAssociationRejectedException and not DicomAssociationAbortedException)
        {
            throw await association.FailAsync(e);
        }
    }

    /// <summary>
    /// Acceptor side (PS3.8 §9.2 AE-6): reads the A-ASSOCIATE-RQ within ARTIM, asks <paramref name="negotiate"/> for
    /// the answer and sends A-ASSOCIATE-AC, or A-ASSOCIATE-RJ when it throws <see cref="DicomAssociationRejectedException"/>
    /// (which is then rethrown). Anything but a well-formed RQ first is answered with A-ABORT (PS3.8 §9.2 Sta2).
    /// </summary>
    public static async Task<DicomAssociation> AcceptAsync(
        IDuplexPipe transport,
        Func<AssociationRequest, CancellationToken, ValueTask<AssociationAcceptance>> negotiate,
        DicomAssociationOptions? options = null,
        EndPoint? remoteEndPoint = null,
        IAsyncDisposable? transportOwner = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(negotiate);
        options ??= DicomAssociationOptions.Default;
        var association = new DicomAssociation(transport, options, isRequestor: false, transportOwner, cancellationToken);
        try
        {
            association.readBudget = options.ArtimTimeout;
            (PduHeader header, byte[] body) = await association.ReadWholePduAsync();
            if (header.Type != PduType.AssociateRequest)
            {
                throw new DicomProtocolException(AbortReason.UnexpectedPdu, $"{header.Type} before A-ASSOCIATE-RQ (PS3.8 §9.2 Sta2)");
            }

            association.Request = AssociationPduCodec.DecodeRequest(body, remoteEndPoint);
            AssociationAcceptance acceptance;
            try
            {
                acceptance = await negotiate(association.Request, cancellationToken);
            }
            catch (DicomAssociationRejectedException rejected)
            {
                await association.WriteAndFlushAsync(AssociationPduCodec.EncodeRejection(rejected.Rejection), cancellationToken);
                await association.CloseTransportAsync();
                throw;
            }

            association.Acceptance = acceptance with { MaxPduLength = options.MaxPduLength };
            association.MarkAccepted(association.Acceptance.PresentationContexts);
            await association.WriteAndFlushAsync(AssociationPduCodec.EncodeAcceptance(association.Acceptance), cancellationToken);
            return association;
        }
        catch (Exception e) when (e is not DicomAssociationRejectedException and not DicomAssociationAbortedException)
        {
            throw await association.FailAsync(e);
        }
    }

    /// <summary>The accepted presentation context for an ID, or null.</summary>
    public PresentationContext? FindContext(byte id)
    {
        foreach (PresentationContext context in Acceptance.PresentationContexts)
        {
            if (context.Id == id && context.IsAccepted)
            {
                return context;
            }
        }

        return null;
    }

    /// <summary>Requestor: A-RELEASE-RQ, then waits at most ARTIM for A-RELEASE-RP (PS3.8 §7.2) and closes.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await WriteAndFlushAsync(AssociationPduCodec.EncodeRelease(PduType.ReleaseRequest), cancellationToken);
            readBudget = options.ArtimTimeout;
            (PduHeader header, byte[] body) = await ReadWholePduAsync();
            switch (header.Type)
            {
                case PduType.ReleaseResponse:
                    await CloseTransportAsync();
                    return;
                case PduType.Abort:
                    await CloseTransportAsync();
                    throw PeerAbort(body);
                default:
                    throw new DicomProtocolException(AbortReason.UnexpectedPdu, $"{header.Type} in answer to A-RELEASE-RQ (PS3.8 §9.2 Sta7)");
            }
        }
        catch (Exception e) when (e is not DicomAssociationAbortedException)
        {
            throw await FailAsync(e);
        }
    }

    /// <summary>A-ABORT by this side's service user (PS3.8 §7.3.1): the reason field is not significant and sent as 0.</summary>
    public ValueTask AbortAsync() => SendAbortAsync(AbortSource.ServiceUser, AbortReason.NotSpecified);

    public async ValueTask DisposeAsync()
    {
        if (!IsClosed)
        {
            await AbortAsync();
        }

        shutdownRegistration.Dispose();
        timer.Dispose();
        sendLock.Dispose();
    }

    /// <summary>
    /// Sends one DIMSE message (PS3.7 §6.3.1): the command set, then the data set if the command says one follows,
    /// each split into PDVs no larger than the peer's maximum PDU allows (PS3.8 §9.3.5, Annex E).
    /// </summary>
    internal async ValueTask SendMessageAsync(byte contextId, DicomCommand command, ReadOnlyMemory<byte> dataSet, CancellationToken cancellationToken)
    {
        byte[] commandSet = command.Encode();
        await sendLock.WaitAsync(cancellationToken);
        try
        {
            await WriteFragmentsAsync(contextId, commandSet, isCommand: true, cancellationToken);
            if (command.HasDataSet)
            {
                await WriteFragmentsAsync(contextId, dataSet, isCommand: false, cancellationToken);
            }
        }
        catch (Exception e) when (e is not DicomAssociationAbortedException)
        {
            sendLock.Release();
            throw await FailAsync(e);
        }

        sendLock.Release();
    }

    /// <summary>
    /// Reads the next DIMSE command (PS3.7 §6.3.1, PS3.8 Annex E: command fragments until the last-fragment bit).
    /// Returns null when the peer asked to release: A-RELEASE-RP has then been sent and the transport closed.
    /// A data set that follows must be read with <see cref="ReadDataAsync"/> (or <see cref="SkipDataAsync"/>) first.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<(DicomCommand Command, PresentationContext Context)?> ReadCommandAsync()
    {
        if (dataInProgress)
        {
            throw new InvalidOperationException("the previous message's data set has not been read to its end");
        }

        try
        {
            int length = 0;
            byte contextId = 0;
            while (true)
            {
                if (!await NextPdvAsync(betweenMessages: length == 0))
                {
                    return null;
                }

                if (!pdv.IsCommand)
                {
                    throw new DicomProtocolException(AbortReason.UnexpectedPduParameter, "data set fragment where a command fragment was due (PS3.8 §E.2)");
                }

                if (length > 0 && pdv.PresentationContextId != contextId)
                {
                    throw new DicomProtocolException(AbortReason.UnexpectedPduParameter, $"command fragments on presentation contexts {contextId} and {pdv.PresentationContextId}");
                }

                contextId = pdv.PresentationContextId;
                if (length + pdvRemaining > options.MaxCommandLength)
                {
                    throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"DIMSE command set longer than {options.MaxCommandLength} bytes");
                }

                if (length + pdvRemaining > commandBuffer.Length)
                {
                    // Rare: command sets are normally a few hundred bytes; grow once and keep the larger buffer.
                    Array.Resize(ref commandBuffer, length + pdvRemaining);
                }

                while (pdvRemaining > 0)
                {
                    length += await ReadPdvBytesAsync(commandBuffer.AsMemory(length));
                }

                if (pdv.IsLast)
                {
                    DicomCommand command = DicomCommand.Decode(commandBuffer.AsMemory(0, length));
                    if (command.HasDataSet)
                    {
                        dataInProgress = true;
                        dataEndsWithCurrentPdv = false;
                        dataContextId = contextId;
                    }

                    return (command, FindContext(contextId)!);
                }
            }
        }
        catch (Exception e) when (e is not DicomAssociationAbortedException)
        {
            throw await FailAsync(e);
        }
    }

    /// <summary>
    /// Reads data set bytes of the current message into <paramref name="destination"/>; 0 at the end of the data set
    /// (the PDV with the last-fragment bit is consumed). The bytes are copied straight from the transport's buffers.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<int> ReadDataAsync(Memory<byte> destination)
    {
        try
        {
            while (dataInProgress)
            {
                if (pdvRemaining > 0 && !pdv.IsCommand)
                {
                    return destination.Length == 0 ? 0 : await ReadPdvBytesAsync(destination);
                }

                if (dataEndsWithCurrentPdv)
                {
                    dataInProgress = false;
                    dataEndsWithCurrentPdv = false;
                    return 0;
                }

                await NextPdvAsync(betweenMessages: false);
                if (pdv.IsCommand)
                {
                    throw new DicomProtocolException(AbortReason.UnexpectedPduParameter, "command fragment inside a data set (PS3.8 §E.2)");
                }

                if (pdv.PresentationContextId != dataContextId)
                {
                    throw new DicomProtocolException(AbortReason.UnexpectedPduParameter,
                        $"data set fragment on presentation context {pdv.PresentationContextId}, its command came on {dataContextId}");
                }

                dataEndsWithCurrentPdv = pdv.IsLast;
            }

            return 0;
        }
        catch (Exception e) when (e is not DicomAssociationAbortedException)
        {
            throw await FailAsync(e);
        }
    }

    /// <summary>Reads and discards the rest of the current data set (a handler may stop reading early).</summary>
    internal async ValueTask SkipDataAsync()
    {
        byte[] scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (await ReadDataAsync(scratch) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Ends the association with A-ABORT from the service provider (this side found the fault).</summary>
    internal async ValueTask SendAbortAsync(AbortSource source, AbortReason reason)
    {
        if (Interlocked.Exchange(ref closed, 1) != 0)
        {
            return;
        }

        // The sender may be stuck on a peer that stopped reading: wait briefly for it, else close without the PDU.
        if (await sendLock.WaitAsync(AbortSendTimeout))
        {
            try
            {
                using var cts = new CancellationTokenSource(AbortSendTimeout);
                await output.WriteAsync(AssociationPduCodec.EncodeAbort(source, reason), cts.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException or SocketException)
            {
                // The transport is already gone; the abort is then implied (PS3.8 §7.4 A-P-ABORT).
            }
            finally
            {
                sendLock.Release();
            }
        }

        await CompleteTransportAsync();
    }

    /// <summary>
    /// Moves to the next PDV item, reading a new PDU header when the current P-DATA-TF is used up. Between messages
    /// an A-RELEASE-RQ is answered (returns false); A-ABORT ends the association; anything else is a protocol error.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> NextPdvAsync(bool betweenMessages)
    {
        while (pduRemaining == 0)
        {
            readBudget = betweenMessages ? options.IdleTimeout : options.PduTimeout;
            ReadResult result = await ReadAtLeastAsync(PduReader.HeaderLength);
            PduReader.TryReadPduHeader(result.Buffer, out PduHeader header);
            PduReader.Validate(header, options.MaxPduLength + options.PduLengthSlack, options.MaxAssociationPduLength);
            input.AdvanceTo(result.Buffer.GetPosition(PduReader.HeaderLength));
            readBudget = options.PduTimeout;
            switch (header.Type)
            {
                case PduType.DataTransfer:
                    pduRemaining = header.Length;
                    break;
                case PduType.Abort:
                    byte[] abort = await ReadBodyAsync(header.Length);
                    await CompleteTransportAsync();
                    throw PeerAbort(abort);
                case PduType.ReleaseRequest when betweenMessages:
                    await ReadBodyAsync(header.Length);
                    await WriteAndFlushAsync(AssociationPduCodec.EncodeRelease(PduType.ReleaseResponse));
                    // PS3.8 §9.2 Sta13: the requestor closes the transport after A-RELEASE-RP; wait (ARTIM) for it.
                    await AwaitPeerCloseAsync();
                    await CloseTransportAsync();
                    return false;
                default:
                    throw new DicomProtocolException(AbortReason.UnexpectedPdu, $"{header.Type} while a DIMSE message was due (PS3.8 §9.2 Sta6)");
            }
        }

        if (pduRemaining < PduReader.PdvHeaderLength)
        {
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"{pduRemaining} bytes left in P-DATA-TF, too few for a PDV item (PS3.8 §9.3.5.1)");
        }

        ReadResult pdvResult = await ReadAtLeastAsync(PduReader.PdvHeaderLength);
        PduReader.TryReadPdvHeader(pdvResult.Buffer, out PdvHeader next);
        input.AdvanceTo(pdvResult.Buffer.GetPosition(PduReader.PdvHeaderLength));
        pduRemaining -= PduReader.PdvHeaderLength;
        if (next.Length < 2 || next.Length - 2 > pduRemaining)
        {
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue,
                $"PDV item length {next.Length} does not fit the {pduRemaining + 4} bytes left in its P-DATA-TF (PS3.8 §9.3.5.1)");
        }

        if (!acceptedContexts[next.PresentationContextId])
        {
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"PDV on presentation context {next.PresentationContextId}, which was not accepted");
        }

        pdv = next;
        pdvRemaining = next.PayloadLength;
        return true;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadPdvBytesAsync(Memory<byte> destination)
    {
        ReadResult result = await ReadAtLeastAsync(1);
        int count = (int)Math.Min(Math.Min(result.Buffer.Length, pdvRemaining), destination.Length);
        ReadOnlySequence<byte> slice = result.Buffer.Slice(0, count);
        slice.CopyTo(destination.Span);
        input.AdvanceTo(slice.End);
        pdvRemaining -= count;
        pduRemaining -= (uint)count;
        return count;
    }

    /// <summary>
    /// Reads at least <paramref name="minimum"/> bytes within what is left of <see cref="readBudget"/>: only time
    /// spent waiting on the network is charged, so a peer trickling a byte a second runs out of budget.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> ReadAtLeastAsync(int minimum)
    {
        if (readBudget <= TimeSpan.Zero)
        {
            throw new TimeoutException("read timed out (ARTIM/idle/PDU timer)");
        }

        long start = Stopwatch.GetTimestamp();
        timer.CancelAfter(readBudget);
        ReadResult result;
        try
        {
            result = await input.ReadAtLeastAsync(minimum, timer.Token);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            throw new TimeoutException($"no complete PDU within {TimeSpan.FromTicks(Math.Max(0, readBudget.Ticks))} (ARTIM/idle/PDU timer, PS3.8 §9.1.5)");
        }
        finally
        {
            readBudget -= Stopwatch.GetElapsedTime(start);
            if (!timer.TryReset())
            {
                timer.Dispose();
                timer = new CancellationTokenSource();
            }
        }

        if (result.IsCanceled)
        {
            throw new OperationCanceledException("association shut down");
        }

        if (result.Buffer.Length < minimum)
        {
            long available = result.Buffer.Length;
            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (available == 0 && pduRemaining == 0 && pdvRemaining == 0 && !dataInProgress && !awaitingPduBody)
            {
                // PS3.8 §7.4: a transport closed between PDUs is an A-P-ABORT; there is nobody left to send an A-ABORT to.
                throw new TransportClosedException("connection closed by the peer without A-RELEASE or A-ABORT");
            }

            throw new TruncatedPduException($"connection closed inside a PDU: {available} of {minimum} bytes (truncated PDU)");
        }

        return result;
    }

    private async ValueTask<(PduHeader Header, byte[] Body)> ReadWholePduAsync()
    {
        ReadResult result = await ReadAtLeastAsync(PduReader.HeaderLength);
        PduReader.TryReadPduHeader(result.Buffer, out PduHeader header);
        PduReader.Validate(header, options.MaxPduLength + options.PduLengthSlack, options.MaxAssociationPduLength);
        input.AdvanceTo(result.Buffer.GetPosition(PduReader.HeaderLength));
        return (header, await ReadBodyAsync(header.Length));
    }

    private async ValueTask<byte[]> ReadBodyAsync(uint length)
    {
        if (length > options.MaxAssociationPduLength)
        {
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"PDU body of {length} bytes where at most {options.MaxAssociationPduLength} are allowed");
        }

        awaitingPduBody = true;
        ReadResult result = await ReadAtLeastAsync((int)length);
        awaitingPduBody = false;
        ReadOnlySequence<byte> body = result.Buffer.Slice(0, length);
        byte[] bytes = body.ToArray();
        input.AdvanceTo(body.End);
        return bytes;
    }

    private async ValueTask AwaitPeerCloseAsync()
    {
        readBudget = options.ArtimTimeout;
        try
        {
            while (true)
            {
                ReadResult result = await ReadAtLeastAsync(1);
                input.AdvanceTo(result.Buffer.End);
            }
        }
        catch (Exception e) when (e is TimeoutException or TruncatedPduException or TransportClosedException or IOException or OperationCanceledException)
        {
            // Closed by the peer, or ARTIM expired: either way the association is over.
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteFragmentsAsync(byte contextId, ReadOnlyMemory<byte> payload, bool isCommand, CancellationToken cancellationToken)
    {
        // PS3.8 §D.1: the peer's Maximum Length Received bounds the P-DATA-TF body: PDV item length (4) + context ID,
        // control header (2) + fragment. 0 means no limit; this side still caps what it sends.
        uint peerMax = PeerMaxPduLength;
        uint pduMax = peerMax == 0 ? options.MaxSendPduLength : Math.Min(peerMax, options.MaxSendPduLength);
        int maxFragment = (int)pduMax - PduReader.PdvHeaderLength;
        if (maxFragment < 1)
        {
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"peer maximum PDU length {peerMax} leaves no room for PDV data");
        }

        int offset = 0;
        do
        {
            int count = Math.Min(maxFragment, payload.Length - offset);
            bool last = offset + count == payload.Length;
            Span<byte> header = output.GetSpan(PduReader.HeaderLength + PduReader.PdvHeaderLength);
            header[0] = (byte)PduType.DataTransfer;
            header[1] = 0;
            BinaryPrimitives.WriteUInt32BigEndian(header[2..], (uint)(PduReader.PdvHeaderLength + count));
            BinaryPrimitives.WriteUInt32BigEndian(header[6..], (uint)(2 + count));
            header[10] = contextId;
            // PS3.8 §E.2: bit 0 command (1) or data set (0), bit 1 last fragment.
            header[11] = (byte)((isCommand ? 0x01 : 0x00) | (last ? 0x02 : 0x00));
            output.Advance(PduReader.HeaderLength + PduReader.PdvHeaderLength);
            output.Write(payload.Span.Slice(offset, count));
            offset += count;
            FlushResult flushed = await output.FlushAsync(cancellationToken);
            if (flushed.IsCompleted || flushed.IsCanceled)
            {
                throw new TruncatedPduException("the peer stopped reading (transport closed)");
            }
        }
        while (offset < payload.Length);
    }

    private async ValueTask WriteAndFlushAsync(byte[] pdu, CancellationToken cancellationToken = default)
    {
        await sendLock.WaitAsync(cancellationToken);
        try
        {
            await output.WriteAsync(pdu, cancellationToken);
        }
        finally
        {
            sendLock.Release();
        }
    }

    private void MarkAccepted(IReadOnlyList<PresentationContext> contexts)
    {
        foreach (PresentationContext context in contexts)
        {
            acceptedContexts[context.Id] = context.IsAccepted;
        }
    }

    /// <summary>Turns any failure into the exception callers see, sending A-ABORT where the protocol calls for one.</summary>
    private async ValueTask<Exception> FailAsync(Exception error)
    {
        switch (error)
        {
            case DicomProtocolException protocol:
                await SendAbortAsync(AbortSource.ServiceProvider, protocol.Reason);
                return new DicomAssociationAbortedException(AbortSource.ServiceProvider, protocol.Reason, byPeer: false, protocol.Message);
            case TimeoutException timeout when Request is null:
                // PS3.8 §9.2 AA-2: ARTIM expiry while awaiting A-ASSOCIATE-RQ closes the connection without a PDU.
                await CloseTransportAsync();
                return new DicomAssociationAbortedException(AbortSource.ServiceProvider, AbortReason.NotSpecified, byPeer: false, $"ARTIM expired: {timeout.Message}");
            case TimeoutException timeout:
                await SendAbortAsync(AbortSource.ServiceProvider, AbortReason.NotSpecified);
                return new DicomAssociationAbortedException(AbortSource.ServiceProvider, AbortReason.NotSpecified, byPeer: false, timeout.Message);
            case TransportClosedException closedByPeer:
                await CloseTransportAsync();
                return new DicomAssociationAbortedException(AbortSource.ServiceProvider, AbortReason.NotSpecified, byPeer: true, closedByPeer.Message);
            case TruncatedPduException truncated:
                await SendAbortAsync(AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue);
                return new DicomAssociationAbortedException(AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue, byPeer: false, truncated.Message);
            case OperationCanceledException canceled:
                await SendAbortAsync(AbortSource.ServiceUser, AbortReason.NotSpecified);
                return new DicomAssociationAbortedException(AbortSource.ServiceUser, AbortReason.NotSpecified, byPeer: false, canceled.Message);
            case IOException or SocketException:
                await CloseTransportAsync();
                return new DicomAssociationAbortedException(AbortSource.ServiceProvider, AbortReason.NotSpecified, byPeer: true, $"transport failed: {error.Message}");
            default:
                await SendAbortAsync(AbortSource.ServiceProvider, AbortReason.NotSpecified);
                return error;
        }
    }

    private static DicomAssociationAbortedException PeerAbort(byte[] body) =>
        new((AbortSource)body[2], (AbortReason)body[3], byPeer: true, $"A-ABORT from peer: source {(AbortSource)body[2]}, reason {(AbortReason)body[3]}");

    private async ValueTask CloseTransportAsync()
    {
        Interlocked.Exchange(ref closed, 1);
        await CompleteTransportAsync();
    }

    private async ValueTask CompleteTransportAsync()
    {
        if (Interlocked.Exchange(ref transportCompleted, 1) != 0)
        {
            return;
        }

        await input.CompleteAsync();
        try
        {
            await output.CompleteAsync();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Completing flushes what is still buffered; on a transport that already failed (the peer was killed)
            // that cannot succeed, and the failure being reported is the original one, not this.
        }

        if (transportOwner is not null)
        {
            await transportOwner.DisposeAsync();
        }
    }

    /// <summary>The transport ended before a whole PDU arrived (or the peer stopped reading).</summary>
    private sealed class TruncatedPduException(string message) : Exception(message);

    /// <summary>The transport ended cleanly between PDUs.</summary>
    private sealed class TransportClosedException(string message) : Exception(message);
}
