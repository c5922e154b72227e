using Telemed.Dicom.Data;
using Telemed.Dicom.Files;

namespace Telemed.Dicom.Network;

/// <summary>
/// C-FIND as SCP on one association (PS3.4 §C.4.1.3): the identifier is read whole, then the handler's matches are sent
/// from a task of their own so that the association's read loop stays free to receive the C-CANCEL-RQ (PS3.7 §9.3.2.3)
/// that ends them. One find runs at a time: the server negotiates an asynchronous operations window of 1.
/// </summary>
internal sealed class FindScp(DicomAssociation association, IFindHandler handler)
{
    private Task running = Task.CompletedTask;
    private CancellationTokenSource? cancel;
    private ushort runningMessageId;

    /// <summary>Completes when the current find (if any) has sent its final response.</summary>
    public Task Idle => running;

    public async ValueTask StartAsync(DicomCommand command, PresentationContext context, CancellationToken cancellationToken)
    {
        DicomTransferSyntax syntax = DicomTransferSyntax.FromUid(context.AcceptedTransferSyntax!);
        if (!command.HasDataSet)
        {
            await association.SendMessageAsync(context.Id, command.ResponseTo(DicomStatus.CannotUnderstand, "C-FIND-RQ without an identifier"), ReadOnlyMemory<byte>.Empty, cancellationToken);
            return;
        }

        DicomDataset identifier;
        try
        {
            identifier = await DimseDataSet.ReadAsync(association, syntax);
        }
        catch (DicomException e)
        {
            // PS3.4 §C.4.1.1.4: A900 Identifier Does Not Match SOP Class.
            await association.SendMessageAsync(context.Id, command.ResponseTo(DicomStatus.DataSetDoesNotMatchSopClass, e.Message), ReadOnlyMemory<byte>.Empty, cancellationToken);
            return;
        }

        await running;
        var request = new FindRequest(
            command.AffectedSopClassUid ?? context.AbstractSyntax,
            association.Request.CallingAeTitle,
            association.Request.CalledAeTitle,
            association.Request.RemoteEndPoint,
            command.MessageId);
        cancel?.Dispose();
        cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        runningMessageId = command.MessageId;
        CancellationToken token = cancel.Token;
        running = Task.Run(() => RunAsync(command, context, syntax, request, identifier, token, cancellationToken), CancellationToken.None);
    }

    /// <summary>C-CANCEL-RQ: cancels the find it names; one for a find already finished is ignored (PS3.7 §9.1.5.1).</summary>
    public void Cancel(ushort messageIdBeingRespondedTo)
    {
        if (!running.IsCompleted && messageIdBeingRespondedTo == runningMessageId)
        {
            cancel?.Cancel();
        }
    }

    /// <summary>The association ended: stop the running find and wait for it.</summary>
    public async Task StopAsync()
    {
        cancel?.Cancel();
        await running;
        cancel?.Dispose();
    }

    private async Task RunAsync(
        DicomCommand command, PresentationContext context, DicomTransferSyntax syntax, FindRequest request, DicomDataset identifier, CancellationToken token, CancellationToken shutdown)
    {
        ushort status;
        string? comment = null;
        try
        {
            await foreach (DicomDataset match in handler.FindAsync(request, identifier, token).WithCancellation(token))
            {
                token.ThrowIfCancellationRequested();
                DicomCommand pending = command.ResponseTo(DicomStatus.Pending) with { HasDataSet = true };
                await association.SendMessageAsync(context.Id, pending, DimseDataSet.Encode(match, syntax), shutdown);
            }

            status = DicomStatus.Success;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested && !shutdown.IsCancellationRequested && !association.IsClosed)
        {
            status = DicomStatus.Cancel;
        }
        catch (Exception e) when (e is not DicomAssociationAbortedException && !association.IsClosed && !shutdown.IsCancellationRequested)
        {
            status = e is IOException ? DicomStatus.OutOfResources : DicomStatus.CannotUnderstand;
            comment = e.Message;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The association is gone (released, aborted or shutting down): nobody to answer.
            return;
        }

        try
        {
            await association.SendMessageAsync(context.Id, command.ResponseTo(status, comment), ReadOnlyMemory<byte>.Empty, shutdown);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Released or aborted meanwhile: the final response has nowhere to go.
        }
    }
}
