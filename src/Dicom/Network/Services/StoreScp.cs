namespace Telemed.Dicom.Network;

/// <summary>
/// The acceptor's DIMSE loop for one association: C-ECHO (PS3.4 Annex A) and C-STORE (PS3.4 Annex B) as SCP. A
/// C-STORE's data set is handed to the <see cref="IStoreHandler"/> as a stream; its response goes out only after
/// the handler returned, with the handler's status.
/// </summary>
internal sealed class StoreScp(DicomAssociation association, IStoreHandler? storeHandler)
{
    public int MessagesHandled { get; private set; }

    /// <summary>Serves requests until the peer releases (returns) or the association aborts (throws).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (await association.ReadCommandAsync() is (DicomCommand command, PresentationContext context))
        {
            MessagesHandled++;
            DicomCommand response;
            switch (command.CommandField)
            {
                case DicomCommandField.CEchoRequest:
                    await SkipDataIfAnyAsync(command);
                    response = command.ResponseTo(DicomStatus.Success);
                    break;
                case DicomCommandField.CStoreRequest:
                    response = await StoreAsync(command, context, cancellationToken);
                    break;
                case var field when command.IsRequest:
                    await SkipDataIfAnyAsync(command);
                    response = command.ResponseTo(DicomStatus.UnrecognizedOperation, $"command 0x{(ushort)field:X4} is not served here");
                    break;
                default:
                    // A response nobody asked for: nothing to answer (PS3.7 §9.3 responses follow requests only).
                    await SkipDataIfAnyAsync(command);
                    continue;
            }

            await association.SendMessageAsync(context.Id, response, ReadOnlyMemory<byte>.Empty, cancellationToken);
        }
    }

    private async ValueTask<DicomCommand> StoreAsync(DicomCommand command, PresentationContext context, CancellationToken cancellationToken)
    {
        if (!command.HasDataSet || string.IsNullOrEmpty(command.AffectedSopInstanceUid) || string.IsNullOrEmpty(command.AffectedSopClassUid))
        {
            await SkipDataIfAnyAsync(command);
            return command.ResponseTo(DicomStatus.CannotUnderstand, "C-STORE-RQ needs a data set and affected SOP class and instance UIDs");
        }

        if (command.AffectedSopClassUid != context.AbstractSyntax)
        {
            await association.SkipDataAsync();
            return command.ResponseTo(DicomStatus.DataSetDoesNotMatchSopClass,
                $"SOP class {command.AffectedSopClassUid} sent on a context for {context.AbstractSyntax}");
        }

        if (storeHandler is null)
        {
            await association.SkipDataAsync();
            return command.ResponseTo(DicomStatus.OutOfResources, "no storage handler configured");
        }

        var request = new StoreRequest(
            command.AffectedSopClassUid,
            command.AffectedSopInstanceUid,
            Files.DicomTransferSyntax.FromUid(context.AcceptedTransferSyntax!),
            association.Request.CallingAeTitle,
            association.Request.CalledAeTitle,
            association.Request.RemoteEndPoint,
            command.MessageId,
            command.MoveOriginatorAeTitle);

        StoreResult result;
        try
        {
            await using var dataSet = new DicomDataStream(association);
            result = await storeHandler.StoreAsync(request, dataSet, cancellationToken);
        }
        catch (Exception e) when (e is not DicomAssociationAbortedException && !association.IsClosed && !cancellationToken.IsCancellationRequested)
        {
            // PS3.4 §B.2.3: the handler could not keep the object; A700 when storage failed, C000 otherwise.
            result = e is IOException or UnauthorizedAccessException
                ? StoreResult.OutOfResources(e.Message)
                : StoreResult.CannotUnderstand(e.Message);
        }

        // The handler may stop reading early (a refusal, an error): the rest of the data set is still on the wire.
        await association.SkipDataAsync();
        return command.ResponseTo(result.Status, result.ErrorComment);
    }

    private async ValueTask SkipDataIfAnyAsync(DicomCommand command)
    {
        if (command.HasDataSet)
        {
            await association.SkipDataAsync();
        }
    }
}
