using System.Collections.Concurrent;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;

namespace Telemed.Dicom.Network;

/// <summary>
/// Storage Commitment Push Model as SCP on one association (PS3.4 §J.3): N-ACTION-RSP goes out as soon as the request
/// is understood; the commitment runs in the background and its N-EVENT-REPORT-RQ goes on this association while it
/// is open, else on one this side opens to the requester (§J.3.3, role selection SCP per PS3.7 §D.3.3.4).
/// </summary>
internal sealed class StorageCommitmentScp(
    DicomAssociation association, IStorageCommitmentHandler handler, StorageCommitmentOptions options, string localAeTitle)
{
    private readonly List<Task> pending = [];
    private readonly ConcurrentDictionary<ushort, TaskCompletionSource<ushort?>> awaitingResponse = new();
    private ushort nextMessageId = 1;

    /// <summary>Completes when every accepted commitment's report was delivered (or given up).</summary>
    public Task Idle => Task.WhenAll(pending);

    public async ValueTask HandleActionAsync(DicomCommand command, PresentationContext context, CancellationToken cancellationToken)
    {
        DicomTransferSyntax syntax = DicomTransferSyntax.FromUid(context.AcceptedTransferSyntax!);
        DicomDataset? information = null;
        string? unreadable = null;
        try
        {
            information = command.HasDataSet ? await DimseDataSet.ReadAsync(association, syntax) : null;
        }
        catch (DicomException e)
        {
            unreadable = e.Message;
        }

        DicomCommand? refusal = command switch
        {
            _ when unreadable is not null => command.ResponseTo(DicomStatus.InvalidArgumentValue, unreadable),
            { RequestedSopInstanceUid: not StorageCommitmentSopClasses.PushModelInstance } =>
                command.ResponseTo(0x0117, "N-ACTION must address the well-known instance 1.2.840.10008.1.20.1.1"), // PS3.7 §C.4.11 Invalid Object Instance
            { ActionTypeId: not StorageCommitmentSopClasses.RequestAction } =>
                command.ResponseTo(DicomStatus.NoSuchActionType, $"action type {command.ActionTypeId} (only 1 is defined, PS3.4 Table J.3-1)"),
            _ when information is null => command.ResponseTo(DicomStatus.InvalidArgumentValue, "N-ACTION-RQ without action information"),
            _ => null,
        };
        string transactionUid;
        IReadOnlyList<SopReference> references;
        try
        {
            (transactionUid, references) = information is null ? (string.Empty, []) : StorageCommitmentCodec.DecodeAction(information);
        }
        catch (DicomException e)
        {
            refusal ??= command.ResponseTo(DicomStatus.InvalidArgumentValue, e.Message);
            (transactionUid, references) = (string.Empty, []);
        }

        if (refusal is not null)
        {
            await association.SendMessageAsync(context.Id, refusal, ReadOnlyMemory<byte>.Empty, cancellationToken);
            return;
        }

        await association.SendMessageAsync(context.Id, command.ResponseTo(DicomStatus.Success), ReadOnlyMemory<byte>.Empty, cancellationToken);
        var request = new StorageCommitmentRequest(transactionUid, references, association.Request.CallingAeTitle, association.Request.RemoteEndPoint);
        pending.Add(Task.Run(() => CommitAndReportAsync(request, context, syntax, cancellationToken), CancellationToken.None));
    }

    /// <summary>The N-EVENT-REPORT-RSP to a report sent on this association (the read loop hands it over).</summary>
    public void OnReportResponse(DicomCommand response)
    {
        if (response.MessageIdBeingRespondedTo is { } id && awaitingResponse.TryRemove(id, out TaskCompletionSource<ushort?>? waiting))
        {
            waiting.TrySetResult(response.Status);
        }
    }

    /// <summary>The association ended: reports still unanswered on it go out on a new association instead.</summary>
    public void OnAssociationClosed()
    {
        foreach (ushort id in awaitingResponse.Keys)
        {
            if (awaitingResponse.TryRemove(id, out TaskCompletionSource<ushort?>? waiting))
            {
                waiting.TrySetResult(null);
            }
        }
    }

    private async Task CommitAndReportAsync(StorageCommitmentRequest request, PresentationContext context, DicomTransferSyntax syntax, CancellationToken cancellationToken)
    {
        StorageCommitmentResult result;
        try
        {
            result = await handler.CommitAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // PS3.4 §J.3.3.1.1: nothing could be checked, so every instance failed with 0110 Processing Failure.
            result = new StorageCommitmentResult([], [.. request.References.Select(r => (r, DicomStatus.ProcessingFailure))]);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        (ushort eventType, DicomDataset information) = StorageCommitmentCodec.EncodeEvent(request.TransactionUid, result);
        if (!association.IsClosed)
        {
            try
            {
                // Delivered only once the N-EVENT-REPORT-RSP says so: a requester that released meanwhile never
                // answers, and the report then goes on a new association (PS3.4 §J.3.3).
                DicomCommand report = DicomCommand.EventReportRequest(
                    NextMessageId(), StorageCommitmentSopClasses.PushModel, StorageCommitmentSopClasses.PushModelInstance, eventType);
                var answered = new TaskCompletionSource<ushort?>(TaskCreationOptions.RunContinuationsAsynchronously);
                awaitingResponse[report.MessageId] = answered;
                if (association.IsClosed)
                {
                    OnAssociationClosed();
                }

                await association.SendMessageAsync(context.Id, report, DimseDataSet.Encode(information, syntax), cancellationToken);
                if (await answered.Task is { } status && !DicomStatus.IsFailure(status))
                {
                    return;
                }
            }
            catch (Exception e) when (e is DicomAssociationAbortedException or InvalidOperationException or ObjectDisposedException or IOException)
            {
                // Released or lost meanwhile: fall through to a new association.
            }
        }

        if (options.ResolveRequester(request) is { } peer)
        {
            try
            {
                await SendOnNewAssociationAsync(peer, eventType, information, cancellationToken);
            }
            catch (Exception e) when (e is DicomAssociationAbortedException or DicomAssociationRejectedException or IOException or System.Net.Sockets.SocketException
                or System.Security.Authentication.AuthenticationException or OperationCanceledException or DicomException)
            {
                // Undeliverable now; the requester may ask again with the same transaction (PS3.4 §J.3.3 leaves retries to it).
            }
        }
    }

    private ushort NextMessageId()
    {
        lock (pending)
        {
            return nextMessageId++;
        }
    }

    /// <summary>PS3.4 §J.3.3: the SCP initiates the association and proposes the SCP role for the Push Model.</summary>
    private async Task SendOnNewAssociationAsync(DicomPeer peer, ushort eventType, DicomDataset information, CancellationToken cancellationToken)
    {
        var request = new AssociationRequest
        {
            CallingAeTitle = localAeTitle,
            CalledAeTitle = peer.AeTitle,
            PresentationContexts =
            [
                new PresentationContext(1, StorageCommitmentSopClasses.PushModel, [DicomTransferSyntax.ExplicitVRLittleEndian.Uid, DicomTransferSyntax.ImplicitVRLittleEndian.Uid]),
            ],
            RoleSelections = [new RoleSelection(StorageCommitmentSopClasses.PushModel, ScuRole: false, ScpRole: true)],
        };
        DicomAssociation back = await DicomAssociation.ConnectAsync(peer.Host, peer.Port, request, options.Association, peer.Tls, cancellationToken);
        await using (back)
        {
            PresentationContext context = back.FindContext(1)
                ?? throw new DicomAssociationRejectedException($"{peer.AeTitle} did not accept Storage Commitment Push Model");
            DicomTransferSyntax syntax = DicomTransferSyntax.FromUid(context.AcceptedTransferSyntax!);
            DicomCommand report = DicomCommand.EventReportRequest(1, StorageCommitmentSopClasses.PushModel, StorageCommitmentSopClasses.PushModelInstance, eventType);
            await back.SendMessageAsync(context.Id, report, DimseDataSet.Encode(information, syntax), cancellationToken);
            await EchoScu.ReadResponseAsync(back, 1);
            await back.ReleaseAsync(cancellationToken);
        }
    }
}
