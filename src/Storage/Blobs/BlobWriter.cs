using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Telemed.Storage.Blobs;

/// <summary>
/// Streams one blob to a temporary file while hashing it; <see cref="CommitAsync"/> makes it durable under its hash.
/// Memory use is independent of the blob's size: bytes go straight from the caller's buffers to the file.
/// </summary>
public sealed class BlobWriter : IAsyncDisposable, IDisposable
{
    /// <summary>How much may sit dirty in the page cache before its write-back is started (see <see cref="Writeback"/>).</summary>
    private const long WritebackChunk = 4 << 20;

    private readonly BlobStore store;
    private readonly string tempPath;
    private readonly SafeFileHandle handle;
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool finished;
    private long writebackStarted;

    internal BlobWriter(BlobStore store, string tempPath)
    {
        this.store = store;
        this.tempPath = tempPath;
        // FileShare.Read: OpenWritten lets the owner read back the bytes before committing.
        handle = File.OpenHandle(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read, FileOptions.None);
    }

    /// <summary>Bytes written so far.</summary>
    public long Length { get; private set; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(finished, this);
        hash.AppendData(bytes);
        RandomAccess.Write(handle, bytes, Length);
        Length += bytes.Length;
        StartWritebackIfDue();
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(finished, this);
        hash.AppendData(bytes.Span);
        await RandomAccess.WriteAsync(handle, bytes, Length, cancellationToken).ConfigureAwait(false);
        Length += bytes.Length;
        StartWritebackIfDue();
    }

    private void StartWritebackIfDue()
    {
        if (Length - writebackStarted >= WritebackChunk)
        {
            Writeback.Start(handle, writebackStarted, Length - writebackStarted);
            writebackStarted = Length;
        }
    }

    public async ValueTask WriteAsync(ReadOnlySequence<byte> bytes, CancellationToken cancellationToken = default)
    {
        foreach (ReadOnlyMemory<byte> segment in bytes)
        {
            await WriteAsync(segment, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads back what has been written so far, before committing: lets a caller check an object (parse its header)
    /// and throw it away if it is unacceptable, so only accepted objects become blobs.
    /// </summary>
    public FileStream OpenWritten()
    {
        ObjectDisposedException.ThrowIf(finished, this);
        return new FileStream(tempPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
    }

    /// <summary>fsync, then rename into the store. Only after this returns may a device be told "stored".</summary>
    public Task<StoredBlob> CommitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(finished, this);
        cancellationToken.ThrowIfCancellationRequested();
        // fsync is a blocking system call; keep it off the caller's I/O thread.
        return Task.Run(() =>
        {
            RandomAccess.FlushToDisk(handle);
            handle.Dispose();
            finished = true;
            BlobHash digest = BlobHash.FromDigest(hash.GetHashAndReset());
            hash.Dispose();
            return store.Publish(tempPath, digest, Length);
        }, cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        if (finished)
        {
            return;
        }

        finished = true;
        handle.Dispose();
        hash.Dispose();
        File.Delete(tempPath);
    }
}
