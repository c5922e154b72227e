using Telemed.Dicom.Files;

namespace Telemed.Dicom.Network;

/// <summary>
/// The acceptor's DIMSE loop for one association: C-ECHO (PS3.4 Annex A), C-STORE (Annex B), C-FIND (Annex C/K) and
/// Storage Commitment (Annex J) as SCP, and N-EVENT-REPORT as the listening side of a commitment SCU. A C-STORE's data
/// set is handed to the <see cref="IStoreHandler"/> as a stream; its response goes out only after the handler
/// returned, with the handler's status. Finds and commitments run beside the loop so it can still read C-CANCEL-RQ.
/// </summary>
internal sealed class AssociationScp(DicomAssociation association, DicomServices services, StorageCommitmentOptions commitmentOptions)
{
    private readonly IStoreHandler? storeHandler = services.Store;
    private readonly FindScp? find = services.Find is null ? null : new FindScp(association, services.Find);
    private readonly StorageCommitmentScp? commitment = services.StorageCommitment is null
        ? null
        : new StorageCommitmentScp(association, services.StorageCommitment, commitmentOptions, association.Request.CalledAeTitle);

    public int MessagesHandled { get; private set; }

    /// <summary>Serves requests until the peer releases (returns) or the association aborts (throws).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ServeAsync(cancellationToken);
        }
        finally
        {
            commitment?.OnAssociationClosed();
            if (find is not null)
            {
                await find.StopAsync();
            }
        }
    }

    /// <summary>Commitment reports still to be delivered (on a new association once this one is over).</summary>
    public Task PendingReports => commitment?.Idle ?? Task.CompletedTask;

    private async Task ServeAsync(CancellationToken cancellationToken)
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
                case DicomCommandField.CFindRequest when find is not null:
                    await find.StartAsync(command, context, cancellationToken);
                    continue;
                case DicomCommandField.CCancelRequest:
                    // PS3.7 §9.3.2.3: no response of its own; the cancelled find answers FE00.
                    await SkipDataIfAnyAsync(command);
                    find?.Cancel(command.MessageIdBeingRespondedTo ?? 0);
                    continue;
                case DicomCommandField.NActionRequest when commitment is not null && context.AbstractSyntax == StorageCommitmentSopClasses.PushModel:
                    await commitment.HandleActionAsync(command, context, cancellationToken);
                    continue;
                case DicomCommandField.NEventReportRequest when services.StorageCommitmentReports is not null && context.AbstractSyntax == StorageCommitmentSopClasses.PushModel:
                    response = await ReportAsync(command, context, services.StorageCommitmentReports, cancellationToken);
                    break;
                case var field when command.IsRequest:
                    await SkipDataIfAnyAsync(command);
                    response = command.ResponseTo(DicomStatus.UnrecognizedOperation, $"command 0x{(ushort)field:X4} is not served here");
                    break;
                case DicomCommandField.NEventReportResponse when commitment is not null:
                    await SkipDataIfAnyAsync(command);
                    commitment.OnReportResponse(command);
                    continue;
                default:
                    // A response nobody waits for: nothing to answer (PS3.7 §9.3 responses follow requests only).
                    await SkipDataIfAnyAsync(command);
                    continue;
            }

            await association.SendMessageAsync(context.Id, response, ReadOnlyMemory<byte>.Empty, cancellationToken);
        }
    }

    /// <summary>PS3.4 §J.3.3: a commitment result sent to this side; the response says whether it was taken.</summary>
    private async ValueTask<DicomCommand> ReportAsync(DicomCommand command, PresentationContext context, IStorageCommitmentReportHandler reports, CancellationToken cancellationToken)
    {
        try
        {
            Telemed.Dicom.Data.DicomDataset information = await DimseDataSet.ReadAsync(association, DicomTransferSyntax.FromUid(context.AcceptedTransferSyntax!));
            (string transactionUid, StorageCommitmentResult result) = StorageCommitmentCodec.DecodeEvent(information);
            await reports.ReportAsync(new StorageCommitmentReport(transactionUid, result, association.Request.CallingAeTitle, association.Request.RemoteEndPoint), cancellationToken);
            return command.ResponseTo(DicomStatus.Success);
        }
        catch (Exception e) when (e is not DicomAssociationAbortedException && !association.IsClosed && !cancellationToken.IsCancellationRequested)
        {
            return command.ResponseTo(DicomStatus.ProcessingFailure, e.Message);
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
