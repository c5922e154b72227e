using System.Collections.Concurrent;
using Telemed.Dicom.Files;
using Telemed.Dicom.Network;

namespace Telemed.Dicom.Tests.Network;

/// <summary>
/// A store handler as a gateway would write one: streams the data set into a Part 10 file (meta written first, then
/// the received bytes unchanged), flushes it to disk, then answers. Records every request it saw.
/// </summary>
internal sealed class RecordingStoreHandler : IStoreHandler, IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"telemed-scp-{Guid.NewGuid():N}");

    public ConcurrentQueue<(StoreRequest Request, string Path, long Bytes)> Received { get; } = new();

    /// <summary>When set, decides the status instead of success (after the data was read).</summary>
    public Func<StoreRequest, StoreResult>? Answer { get; init; }

    public RecordingStoreHandler() => System.IO.Directory.CreateDirectory(Directory);

    public async ValueTask<StoreResult> StoreAsync(StoreRequest request, Stream dataSet, CancellationToken cancellationToken)
    {
        // Unique per store: the same instance may arrive on several associations at once.
        string path = Path.Combine(Directory, $"{request.SopInstanceUid}.{Guid.NewGuid():N}.dcm");
        long bytes;
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
        {
            DicomFile.WriteFileMetaInformation(file, request.SopClassUid, request.SopInstanceUid, request.TransferSyntax, request.CallingAeTitle);
            long start = file.Position;
            await dataSet.CopyToAsync(file, cancellationToken);
            bytes = file.Position - start;
            file.Flush(flushToDisk: true);
        }

        Received.Enqueue((request, path, bytes));
        return Answer?.Invoke(request) ?? StoreResult.Success;
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
