using System.IO.Compression;
using System.IO.Pipelines;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Tags;

namespace Telemed.Dicom.Network;

/// <summary>
/// C-STORE as SCU (PS3.4 Annex B): sends Part 10 files on one association. Per SOP class and file transfer syntax it
/// proposes a context with that syntax first, then Explicit and Implicit VR Little Endian (PS3.5 §10.1 default), so a
/// peer that refuses the file's syntax still gets native files re-encoded by <see cref="DicomWriter"/>. Every file gets
/// an outcome: its C-STORE-RSP status, or why it was not sent.
/// </summary>
public sealed class StoreScu(string callingAeTitle, string calledAeTitle, DicomAssociationOptions? options = null, DicomTlsClientOptions? tls = null)
{
    /// <summary>PS3.8 §9.3.2.2: odd context IDs 1..255, so at most 128 contexts per association.</summary>
    private const int MaxContexts = 128;

    /// <summary>Told each file's outcome as soon as it is known (a progress bar, a log line).</summary>
    public IProgress<StoreOutcome>? Progress { get; init; }

    private static readonly DicomTag SopClassUid = new(0x0008, 0x0016);
    private static readonly DicomTag SopInstanceUid = new(0x0008, 0x0018);
    private static readonly DicomTag MediaStorageSopClassUid = new(0x0002, 0x0002);
    private static readonly DicomTag MediaStorageSopInstanceUid = new(0x0002, 0x0003);

    public async Task<IReadOnlyList<StoreOutcome>> SendAsync(string host, int port, IReadOnlyList<string> paths, CancellationToken cancellationToken = default)
    {
        (IDuplexPipe pipe, IAsyncDisposable owner) = await DicomTransport.ConnectAsync(host, port, tls, cancellationToken);
        return await SendAsync(pipe, paths, owner, cancellationToken);
    }

    /// <summary>Sends over an already open transport (a Unix socket, a TLS stream...); <paramref name="transportOwner"/> is disposed at the end.</summary>
    public async Task<IReadOnlyList<StoreOutcome>> SendAsync(
        IDuplexPipe transport, IReadOnlyList<string> paths, IAsyncDisposable? transportOwner = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var outcomes = new StoreOutcome?[paths.Count];
        var scanned = new List<(int Index, string SopClass, string SopInstance, DicomTransferSyntax Syntax)>();
        for (int i = 0; i < paths.Count; i++)
        {
            try
            {
                DicomFile file = DicomFile.Open(paths[i], new DicomReadOptions { StopBeforePixelData = true });
                string? sopClass = Uid(file, MediaStorageSopClassUid, SopClassUid);
                string? sopInstance = Uid(file, MediaStorageSopInstanceUid, SopInstanceUid);
                if (sopClass is null || sopInstance is null)
                {
                    outcomes[i] = new StoreOutcome(paths[i], sopInstance, null, null, "no SOP class or instance UID in the file");
                    continue;
                }

                scanned.Add((i, sopClass, sopInstance, file.TransferSyntax));
            }
            catch (Exception e) when (e is DicomException or IOException or UnauthorizedAccessException)
            {
                outcomes[i] = new StoreOutcome(paths[i], null, null, null, $"unreadable: {e.Message}");
            }
        }

        var proposals = scanned.Select(s => (s.SopClass, s.Syntax.Uid)).Distinct().ToList();
        if (proposals.Count > MaxContexts)
        {
            throw new ArgumentException($"{proposals.Count} SOP class/transfer syntax pairs need more than {MaxContexts} presentation contexts; send them in batches", nameof(paths));
        }

        var request = new AssociationRequest
        {
            CallingAeTitle = callingAeTitle,
            CalledAeTitle = calledAeTitle,
            PresentationContexts = [.. proposals.Select((p, i) => new PresentationContext(
                (byte)(2 * i + 1),
                p.SopClass,
                [.. new[] { p.Uid, DicomTransferSyntax.ExplicitVRLittleEndian.Uid, DicomTransferSyntax.ImplicitVRLittleEndian.Uid }.Distinct()]))],
        };

        DicomAssociation association = await DicomAssociation.RequestAsync(transport, request, options, transportOwner, cancellationToken);
        await using (association)
        {
            ushort messageId = 0;
            string? fatal = null;
            foreach ((int index, string sopClass, string sopInstance, DicomTransferSyntax fileSyntax) in scanned)
            {
                try
                {
                    if (fatal is not null)
                    {
                        outcomes[index] = new StoreOutcome(paths[index], sopInstance, null, null, fatal);
                        continue;
                    }

                    PresentationContext? context = ChooseContext(association, sopClass, fileSyntax);
                    if (context is null)
                    {
                        outcomes[index] = new StoreOutcome(paths[index], sopInstance, null, null,
                            $"{calledAeTitle} accepted no presentation context for {sopClass} usable with {fileSyntax}");
                        continue;
                    }

                    try
                    {
                        byte[] dataSet = Encode(DicomFile.Open(paths[index]), DicomTransferSyntax.FromUid(context.AcceptedTransferSyntax!));
                        messageId++;
                        await association.SendMessageAsync(context.Id, DicomCommand.StoreRequest(messageId, sopClass, sopInstance), dataSet, cancellationToken);
                        DicomCommand response = await EchoScu.ReadResponseAsync(association, messageId);
                        outcomes[index] = new StoreOutcome(paths[index], sopInstance, response.Status, context.AcceptedTransferSyntax, response.ErrorComment);
                    }
                    catch (DicomAssociationAbortedException e)
                    {
                        fatal = $"association aborted: {e.Message}";
                        outcomes[index] = new StoreOutcome(paths[index], sopInstance, null, context.AcceptedTransferSyntax, fatal);
                    }
                    catch (Exception e) when (e is DicomException or IOException)
                    {
                        outcomes[index] = new StoreOutcome(paths[index], sopInstance, null, context.AcceptedTransferSyntax, $"not sent: {e.Message}");
                    }
                }
                finally
                {
                    // Progress per file, whatever the path out of this iteration was.
                    if (outcomes[index] is { } outcome)
                    {
                        Progress?.Report(outcome);
                    }
                }
            }

            if (!association.IsClosed)
            {
                await association.ReleaseAsync(cancellationToken);
            }
        }

        return outcomes!;
    }

    private static PresentationContext? ChooseContext(DicomAssociation association, string sopClass, DicomTransferSyntax fileSyntax)
    {
        PresentationContext? convertible = null;
        foreach (PresentationContext context in association.Acceptance.PresentationContexts)
        {
            if (!context.IsAccepted || context.AbstractSyntax != sopClass)
            {
                continue;
            }

            if (context.AcceptedTransferSyntax == fileSyntax.Uid)
            {
                return context;
            }

            // Between native syntaxes the writer converts; encapsulated pixel data would need a codec.
            if (!fileSyntax.IsEncapsulated && !DicomTransferSyntax.FromUid(context.AcceptedTransferSyntax!).IsEncapsulated)
            {
                convertible ??= context;
            }
        }

        return convertible;
    }

    private static byte[] Encode(DicomFile file, DicomTransferSyntax target)
    {
        byte[] body = new DicomWriter(target.IsExplicitVR, target.IsBigEndian).Encode(file.Dataset);
        if (!target.IsDeflated)
        {
            return body;
        }

        // PS3.5 §A.5: the data set as raw deflate (RFC 1951) of its explicit VR little endian encoding.
        using var deflated = new MemoryStream();
        using (var deflate = new DeflateStream(deflated, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(body);
        }

        return deflated.ToArray();
    }

    /// <summary>
    /// PS3.4 §B.2.2: the C-STORE's affected SOP class/instance are those of the data set sent, so (0008,0016/0018)
    /// win over the meta information, which some files get wrong; the meta information only fills gaps.
    /// </summary>
    private static string? Uid(DicomFile file, DicomTag metaTag, DicomTag datasetTag)
    {
        string? value = file.Dataset.TryGetElement(datasetTag, out DicomElement? element) ? element.GetUid() : null;
        if (string.IsNullOrEmpty(value) && file.FileMetaInformation.TryGetElement(metaTag, out DicomElement? meta))
        {
            value = meta.GetUid();
        }

        return string.IsNullOrEmpty(value) ? null : value;
    }
}
