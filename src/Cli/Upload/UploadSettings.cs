namespace Telemed.Cli.Upload;

/// <summary>How <see cref="ResumableUpload"/> sends: chunk size (--chunk-size, 1 MiB by default: about 20 s on a slow 3G
/// link, so little is resent after a drop) and how it retries network errors.</summary>
internal sealed record UploadSettings
{
    public int ChunkSize { get; init; } = 1 << 20;

    public int MaxRetries { get; init; } = 10;

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>One request (a chunk, or the final one that waits for processing).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
