namespace Telemed.Dicom.Network;

/// <summary>C-ECHO as SCU (PS3.4 Annex A, PS3.7 §9.1.5): checks that a peer answers DIMSE on a fresh association.</summary>
public static class EchoScu
{
    /// <summary>Associates, sends one C-ECHO-RQ, releases; returns the response status (0000 = success).</summary>
    public static Task<ushort> EchoAsync(
        string host, int port, string callingAeTitle, string calledAeTitle, DicomAssociationOptions? options = null, CancellationToken cancellationToken = default) =>
        EchoAsync(host, port, callingAeTitle, calledAeTitle, options, tls: null, cancellationToken);

    /// <summary>As above, over TLS when <paramref name="tls"/> is given (PS3.15 §B.1).</summary>
    public static async Task<ushort> EchoAsync(
        string host, int port, string callingAeTitle, string calledAeTitle, DicomAssociationOptions? options, DicomTlsClientOptions? tls, CancellationToken cancellationToken = default)
    {
        var request = new AssociationRequest
        {
            CallingAeTitle = callingAeTitle,
            CalledAeTitle = calledAeTitle,
            PresentationContexts = [new PresentationContext(1, StorageSopClasses.Verification, [Files.DicomTransferSyntax.ImplicitVRLittleEndian.Uid])],
        };
        DicomAssociation association = await DicomAssociation.ConnectAsync(host, port, request, options, tls, cancellationToken);
        await using (association)
        {
            PresentationContext context = association.FindContext(1)
                ?? throw new DicomAssociationRejectedException($"{calledAeTitle} did not accept the Verification SOP class");
            await association.SendMessageAsync(context.Id, DicomCommand.EchoRequest(1), ReadOnlyMemory<byte>.Empty, cancellationToken);
            DicomCommand response = await ReadResponseAsync(association, 1);
            await association.ReleaseAsync(cancellationToken);
            return response.Status ?? DicomStatus.CannotUnderstand;
        }
    }

    /// <summary>Reads the response to <paramref name="messageId"/>; responses carry no data set for C-ECHO and C-STORE.</summary>
    internal static async ValueTask<DicomCommand> ReadResponseAsync(DicomAssociation association, ushort messageId)
    {
        while (true)
        {
            (DicomCommand command, _) = await association.ReadCommandAsync()
                ?? throw new DicomAssociationAbortedException("the peer asked to release while a response was outstanding");
            if (command.HasDataSet)
            {
                await association.SkipDataAsync();
            }

            if (!command.IsRequest && command.MessageIdBeingRespondedTo == messageId)
            {
                return command;
            }
        }
    }
}
