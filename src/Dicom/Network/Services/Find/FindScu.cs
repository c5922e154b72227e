using Telemed.Dicom.Data;
using Telemed.Dicom.Files;

namespace Telemed.Dicom.Network;

/// <summary>
/// C-FIND as SCU (PS3.4 §C.4.1.2, Annex K for the worklist): one query on a fresh association, every Pending
/// identifier collected, released at the end. Identifiers are proposed in Explicit, then Implicit VR Little Endian.
/// </summary>
public sealed class FindScu(string callingAeTitle, string calledAeTitle, DicomAssociationOptions? options = null, DicomTlsClientOptions? tls = null)
{
    /// <summary>
    /// Sends <paramref name="identifier"/> as a C-FIND-RQ for <paramref name="sopClassUid"/> and gathers the matches.
    /// With <paramref name="cancelAfter"/>, a C-CANCEL-RQ goes out once that many matches arrived (PS3.7 §9.3.2.3);
    /// the final status is then normally Cancel (FE00).
    /// </summary>
    public async Task<FindResult> FindAsync(
        string host, int port, string sopClassUid, DicomDataset identifier, int? cancelAfter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var request = new AssociationRequest
        {
            CallingAeTitle = callingAeTitle,
            CalledAeTitle = calledAeTitle,
            PresentationContexts =
            [
                new PresentationContext(1, sopClassUid, [DicomTransferSyntax.ExplicitVRLittleEndian.Uid, DicomTransferSyntax.ImplicitVRLittleEndian.Uid]),
            ],
        };
        DicomAssociation association = await DicomAssociation.ConnectAsync(host, port, request, options, tls, cancellationToken);
        await using (association)
        {
            PresentationContext context = association.FindContext(1)
                ?? throw new DicomAssociationRejectedException($"{calledAeTitle} did not accept the C-FIND SOP class {sopClassUid}");
            DicomTransferSyntax syntax = DicomTransferSyntax.FromUid(context.AcceptedTransferSyntax!);
            const ushort messageId = 1;
            await association.SendMessageAsync(context.Id, DicomCommand.FindRequest(messageId, sopClassUid), DimseDataSet.Encode(identifier, syntax), cancellationToken);

            var matches = new List<DicomDataset>();
            bool cancelSent = false;
            while (true)
            {
                (DicomCommand response, _) = await association.ReadCommandAsync()
                    ?? throw new DicomAssociationAbortedException("the peer asked to release while C-FIND responses were outstanding");
                if (response.IsRequest || response.MessageIdBeingRespondedTo != messageId)
                {
                    if (response.HasDataSet)
                    {
                        await association.SkipDataAsync();
                    }

                    continue;
                }

                ushort status = response.Status ?? DicomStatus.CannotUnderstand;
                bool pending = status is 0xFF00 or 0xFF01;
                if (response.HasDataSet)
                {
                    DicomDataset match = await DimseDataSet.ReadAsync(association, syntax);
                    if (pending)
                    {
                        matches.Add(match);
                    }
                }

                if (!pending)
                {
                    await association.ReleaseAsync(cancellationToken);
                    return new FindResult(matches, status, response.ErrorComment);
                }

                if (cancelAfter is { } limit && matches.Count >= limit && !cancelSent)
                {
                    cancelSent = true;
                    await association.SendMessageAsync(context.Id, DicomCommand.CancelRequest(messageId), ReadOnlyMemory<byte>.Empty, cancellationToken);
                }
            }
        }
    }
}
