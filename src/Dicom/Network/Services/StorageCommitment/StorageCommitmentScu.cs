using Telemed.Dicom.Data;
using Telemed.Dicom.Files;

namespace Telemed.Dicom.Network;

/// <summary>
/// Storage Commitment Push Model as SCU (PS3.4 §J.3): asks a peer to commit instances with N-ACTION-RQ and returns
/// the result of its N-EVENT-REPORT-RQ, taken either on the same association or, with an inbox, on an association
/// the SCP opens back to this side's <see cref="DicomServer"/>.
/// </summary>
public sealed class StorageCommitmentScu(string callingAeTitle, string calledAeTitle, DicomAssociationOptions? options = null, DicomTlsClientOptions? tls = null)
{
    /// <summary>
    /// Without <paramref name="inbox"/> the association stays open until the report arrives on it (bounded by the
    /// association's idle timeout). With one, the association is released right after N-ACTION-RSP and the report is
    /// awaited in the inbox, as PS3.4 §J.3.3 allows when results take longer than an association should stay open.
    /// </summary>
    public async Task<StorageCommitmentResult> CommitAsync(
        string host, int port, string transactionUid, IReadOnlyList<SopReference> references, StorageCommitmentInbox? inbox = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(transactionUid);
        ArgumentNullException.ThrowIfNull(references);
        var request = new AssociationRequest
        {
            CallingAeTitle = callingAeTitle,
            CalledAeTitle = calledAeTitle,
            PresentationContexts =
            [
                new PresentationContext(1, StorageCommitmentSopClasses.PushModel, [DicomTransferSyntax.ExplicitVRLittleEndian.Uid, DicomTransferSyntax.ImplicitVRLittleEndian.Uid]),
            ],
        };
        DicomAssociation association = await DicomAssociation.ConnectAsync(host, port, request, options, tls, cancellationToken);
        await using (association)
        {
            PresentationContext context = association.FindContext(1)
                ?? throw new DicomAssociationRejectedException($"{calledAeTitle} did not accept Storage Commitment Push Model");
            DicomTransferSyntax syntax = DicomTransferSyntax.FromUid(context.AcceptedTransferSyntax!);
            DicomCommand action = DicomCommand.ActionRequest(1, StorageCommitmentSopClasses.PushModel, StorageCommitmentSopClasses.PushModelInstance, StorageCommitmentSopClasses.RequestAction);
            await association.SendMessageAsync(context.Id, action, DimseDataSet.Encode(StorageCommitmentCodec.EncodeAction(transactionUid, references), syntax), cancellationToken);
            DicomCommand response = await EchoScu.ReadResponseAsync(association, 1);
            if (response.Status is not DicomStatus.Success)
            {
                await association.ReleaseAsync(cancellationToken);
                throw new DicomException($"N-ACTION-RSP status 0x{response.Status ?? 0xFFFF:X4}: {response.ErrorComment}");
            }

            if (inbox is not null)
            {
                try
                {
                    await association.ReleaseAsync(cancellationToken);
                }
                catch (DicomAssociationAbortedException)
                {
                    // The SCP's report crossed our A-RELEASE-RQ; unanswered, it is sent again on a new association.
                }

                return (await inbox.WaitAsync(transactionUid, cancellationToken)).Result;
            }

            while (true)
            {
                (DicomCommand command, PresentationContext on) = await association.ReadCommandAsync()
                    ?? throw new DicomAssociationAbortedException("the SCP released before reporting the commitment; pass an inbox to receive it on a new association");
                if (command.CommandField != DicomCommandField.NEventReportRequest)
                {
                    if (command.HasDataSet)
                    {
                        await association.SkipDataAsync();
                    }

                    if (command.IsRequest)
                    {
                        await association.SendMessageAsync(on.Id, command.ResponseTo(DicomStatus.UnrecognizedOperation), ReadOnlyMemory<byte>.Empty, cancellationToken);
                    }

                    continue;
                }

                DicomDataset information = await DimseDataSet.ReadAsync(association, syntax);
                (string reported, StorageCommitmentResult result) = StorageCommitmentCodec.DecodeEvent(information);
                await association.SendMessageAsync(on.Id, command.ResponseTo(DicomStatus.Success), ReadOnlyMemory<byte>.Empty, cancellationToken);
                if (reported == transactionUid)
                {
                    await association.ReleaseAsync(cancellationToken);
                    return result;
                }
            }
        }
    }
}
