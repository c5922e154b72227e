using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Telemed.ConsultHub.Uploads;

/// <summary>
/// Partial uploads on disk: <c>&lt;dir&gt;/&lt;id&gt;/upload.json</c> (the <see cref="Upload"/>, replaced atomically) and
/// <c>data</c> (the bytes received so far; its length is the offset a client resumes from). Every append is fsynced
/// before its new offset is reported, and bytes that arrived before a connection broke are kept, so a client that lost
/// the answer asks for the offset (HEAD) and goes on from there, after a hub restart too. One append at a time per
/// upload: a second waits for the first (which ends when its connection drops) rather than interleaving bytes.
/// </summary>
public sealed class UploadStore
{
    private const string RecordFile = "upload.json";
    private const string DataFile = "data";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = true,
    };

    private readonly ConcurrentDictionary<string, Upload> uploads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> locks = new(StringComparer.Ordinal);

    public UploadStore(UploadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Directory.CreateDirectory(options.Directory);
        foreach (string folder in Directory.EnumerateDirectories(options.Directory))
        {
            string id = Path.GetFileName(folder);
            try
            {
                Upload? upload = JsonSerializer.Deserialize<Upload>(File.ReadAllBytes(Path.Combine(folder, RecordFile)), Json);
                if (upload is not null && upload.Id == id)
                {
                    uploads[id] = upload;
                    continue;
                }
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
                // A folder whose record never got written (a crash during create): nobody was told its id.
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    public UploadOptions Options { get; }

    public IEnumerable<Upload> All => uploads.Values;

    /// <summary>A new upload id: 128 random bits, so ids cannot be guessed (access is still checked on every request).</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");

    public static bool IsId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);

    public Upload? Find(string id) => IsId(id) && uploads.TryGetValue(id, out Upload? upload) ? upload : null;

    public string DataPath(string id) => Path.Combine(Folder(id), DataFile);

    public string Folder(string id) => IsId(id) ? Path.Combine(Options.Directory, id) : throw new ArgumentException($"not an upload id: '{id}'", nameof(id));

    /// <summary>Bytes received: the data file's length; the whole length once the upload is complete and its data gone.</summary>
    public long OffsetOf(Upload upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (upload.State != UploadState.Receiving)
        {
            return upload.Length;
        }

        var data = new FileInfo(DataPath(upload.Id));
        return data.Exists ? data.Length : 0;
    }

    public async Task<Upload> CreateAsync(Upload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        string folder = Folder(upload.Id);
        Directory.CreateDirectory(folder);
        await using (new FileStream(DataPath(upload.Id), FileMode.CreateNew, FileAccess.Write))
        {
        }

        await WriteRecordAsync(upload, cancellationToken).ConfigureAwait(false);
        uploads[upload.Id] = upload;
        return upload;
    }

    public async Task<Upload> SaveAsync(Upload upload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (!uploads.ContainsKey(upload.Id))
        {
            throw new KeyNotFoundException($"upload {upload.Id} was deleted");
        }

        await WriteRecordAsync(upload, cancellationToken).ConfigureAwait(false);
        uploads[upload.Id] = upload;
        return upload;
    }

    /// <summary>Takes the upload's append lock, waiting at most <paramref name="timeout"/>; null when another request holds it that long.</summary>
    public async Task<IDisposable?> LockAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate = locks.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));
        return await gate.WaitAsync(timeout, cancellationToken).ConfigureAwait(false) ? new Release(gate) : null;
    }

    /// <summary>
    /// Appends the body at the end of the data (the caller holds the lock and checked the offset), at most up to the
    /// declared length. Whatever arrived before the body broke off is kept and fsynced. Returns the new offset and
    /// whether the body went past the declared length (those bytes are not kept).
    /// </summary>
    public async Task<(long Offset, bool Overflow, bool Interrupted)> AppendAsync(Upload upload, Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(body);
        await using var data = new FileStream(DataPath(upload.Id), FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        long remaining = upload.Length - data.Length;
        byte[] buffer = new byte[1 << 16];
        bool overflow = false;
        bool interrupted = false;
        try
        {
            while (true)
            {
                int read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                if (read > remaining)
                {
                    overflow = true;
                    read = (int)remaining;
                }

                await data.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None).ConfigureAwait(false);
                remaining -= read;
                if (overflow)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The connection broke (Kestrel reports a reset or aborted request as IOException, a cancelled one as
            // OperationCanceledException): keep what came, the client resumes from it.
            interrupted = true;
        }
        finally
        {
            await data.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            data.Flush(flushToDisk: true);
        }

        return (data.Length, overflow, interrupted);
    }

    /// <summary>Deletes the upload, its bytes and its record.</summary>
    public void Delete(string id)
    {
        uploads.TryRemove(id, out _);
        string folder = Folder(id);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The received bytes are no longer needed (they are in the blob store now): frees the disk, keeps the record.</summary>
    public void DropData(string id)
    {
        foreach (string file in Directory.EnumerateFiles(Folder(id)).Where(f => Path.GetFileName(f) != RecordFile))
        {
            File.Delete(file);
        }
    }

    /// <summary>Deletes uploads past their expiry that are not being processed; returns how many.</summary>
    public int RemoveExpired(DateTimeOffset now)
    {
        int removed = 0;
        foreach (Upload upload in uploads.Values.Where(u => u.ExpiresAt <= now && u.State != UploadState.Processing).ToList())
        {
            SemaphoreSlim gate = locks.GetOrAdd(upload.Id, _ => new SemaphoreSlim(1, 1));
            if (gate.Wait(0))
            {
                try
                {
                    Delete(upload.Id);
                    removed++;
                }
                finally
                {
                    gate.Release();
                }
            }
        }

        return removed;
    }

    private async Task WriteRecordAsync(Upload upload, CancellationToken cancellationToken)
    {
        string folder = Folder(upload.Id);
        string temp = Path.Combine(folder, RecordFile + ".tmp");
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            await JsonSerializer.SerializeAsync(stream, upload, Json, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path.Combine(folder, RecordFile), overwrite: true);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
