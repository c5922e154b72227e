namespace Telemed.Storage.Blobs;

/// <summary>
/// Content-addressed files: <c>root/blobs/ab/cd/abcd…</c> named by the SHA-256 of their bytes. A blob is written to
/// <c>root/tmp</c>, fsynced, renamed into place and its directory fsynced (<see cref="BlobWriter.CommitAsync"/>), so a
/// crash leaves either the whole blob or a temporary file that the next start deletes, never a torn blob.
/// </summary>
public sealed class BlobStore
{
    private readonly string blobRoot;
    private readonly string tempRoot;

    public BlobStore(string root)
    {
        Root = Path.GetFullPath(root);
        blobRoot = Path.Combine(Root, "blobs");
        tempRoot = Path.Combine(Root, "tmp");
        Directory.CreateDirectory(blobRoot);
        Directory.CreateDirectory(tempRoot);
        // Temporary files are only ever the leftovers of writes that were never acknowledged.
        foreach (string leftover in Directory.EnumerateFiles(tempRoot))
        {
            File.Delete(leftover);
        }
    }

    public string Root { get; }

    /// <summary>Starts a new blob; dispose the writer without committing to throw it away.</summary>
    public BlobWriter CreateWriter() => new(this, Path.Combine(tempRoot, $"{Guid.NewGuid():N}.tmp"));

    public bool Exists(BlobHash hash) => File.Exists(PathOf(hash));

    /// <summary>The file holding a blob; its bytes never change once it exists.</summary>
    public string PathOf(BlobHash hash)
    {
        string hex = hash.Hex ?? throw new ArgumentException("empty blob hash", nameof(hash));
        return Path.Combine(blobRoot, hex[..2], hex[2..4], hex);
    }

    public FileStream OpenRead(BlobHash hash)
    {
        string path = PathOf(hash);
        return File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous)
            : throw new FileNotFoundException($"blob {hash} is not in the store at {Root}", path);
    }

    /// <summary>Stores a whole buffer (small objects, tests, uploads already in memory).</summary>
    public async Task<StoredBlob> StoreAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        await using BlobWriter writer = CreateWriter();
        await writer.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        return await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    internal StoredBlob Publish(string tempPath, BlobHash hash, long length)
    {
        string final = PathOf(hash);
        string directory = Path.GetDirectoryName(final)!;
        if (File.Exists(final))
        {
            // Same hash, same bytes: the blob is already durable; this copy is redundant.
            File.Delete(tempPath);
            return new StoredBlob(hash, length, AlreadyExisted: true);
        }

        Directory.CreateDirectory(directory);
        try
        {
            File.Move(tempPath, final, overwrite: false);
        }
        catch (IOException) when (File.Exists(final))
        {
            // A concurrent writer of the same bytes won the rename.
            File.Delete(tempPath);
            return new StoredBlob(hash, length, AlreadyExisted: true);
        }

        // The rename is only durable once the directory entry is: fsync the directory (POSIX).
        DirectorySync.Flush(directory);
        return new StoredBlob(hash, length, AlreadyExisted: false);
    }
}
