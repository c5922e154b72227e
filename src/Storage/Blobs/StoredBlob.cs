namespace Telemed.Storage.Blobs;

/// <summary>A blob that is durable on disk. <see cref="AlreadyExisted"/>: the same bytes were stored before.</summary>
public sealed record StoredBlob(BlobHash Hash, long Length, bool AlreadyExisted);
