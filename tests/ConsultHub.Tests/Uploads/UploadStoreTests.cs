using Telemed.ConsultHub.Uploads;
using Xunit;

namespace Telemed.ConsultHub.Tests.Uploads;

/// <summary>The partial uploads on disk: they outlive the store (a hub restart), and expire.</summary>
public sealed class UploadStoreTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "telemed-upload-store-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Upload NewUpload(DateTimeOffset expires) => new()
    {
        Id = UploadStore.NewId(),
        FileName = "ecg.scp",
        Length = 1000,
        Sha256 = new string('0', 64),
        UserId = "staff",
        InstitutionId = "town",
        CommunityId = "county",
        CreatedAt = expires.AddHours(-24),
        ExpiresAt = expires,
    };

    [Fact]
    public async Task A_partial_upload_survives_a_new_store_on_the_same_folder_with_its_offset_and_bytes()
    {
        var options = new UploadOptions { Directory = directory };
        var first = new UploadStore(options);
        Upload upload = await first.CreateAsync(NewUpload(DateTimeOffset.UtcNow.AddHours(1)), CancellationToken.None);
        byte[] part = [.. Enumerable.Range(0, 600).Select(i => (byte)(i * 7))];
        (long offset, bool overflow, bool interrupted) = await first.AppendAsync(upload, new MemoryStream(part), CancellationToken.None);
        Assert.Equal((600L, false, false), (offset, overflow, interrupted));
        // A folder a crash left without its record is removed at start; nobody was told its id.
        Directory.CreateDirectory(Path.Combine(directory, UploadStore.NewId()));

        var restarted = new UploadStore(options);
        Upload again = Assert.Single(restarted.All);
        Assert.Equal((upload.Id, upload.Length, upload.Sha256, upload.InstitutionId, upload.ExpiresAt, UploadState.Receiving), (again.Id, again.Length, again.Sha256, again.InstitutionId, again.ExpiresAt, again.State));
        Assert.Equal(600, restarted.OffsetOf(again));
        Assert.Equal(part, await File.ReadAllBytesAsync(restarted.DataPath(again.Id)));
        Assert.Single(Directory.EnumerateDirectories(directory));

        // The rest goes on after the restart, and a body past the declared length keeps only what fits.
        byte[] rest = new byte[500];
        (offset, overflow, _) = await restarted.AppendAsync(again, new MemoryStream(rest), CancellationToken.None);
        Assert.Equal((1000L, true), (offset, overflow));
    }

    [Fact]
    public async Task Uploads_past_their_expiry_are_deleted_with_their_bytes()
    {
        var store = new UploadStore(new UploadOptions { Directory = directory });
        DateTimeOffset now = DateTimeOffset.UtcNow;
        Upload stale = await store.CreateAsync(NewUpload(now.AddMinutes(-1)), CancellationToken.None);
        Upload fresh = await store.CreateAsync(NewUpload(now.AddHours(1)), CancellationToken.None);
        Upload busy = await store.CreateAsync(NewUpload(now.AddMinutes(-1)), CancellationToken.None);
        await store.SaveAsync(busy with { State = UploadState.Processing });

        Assert.Equal(1, store.RemoveExpired(now));
        Assert.Null(store.Find(stale.Id));
        Assert.False(Directory.Exists(store.Folder(stale.Id)));
        Assert.NotNull(store.Find(fresh.Id));
        Assert.NotNull(store.Find(busy.Id)); // being processed: its result is not lost under it
        Assert.Equal(2, new UploadStore(new UploadOptions { Directory = directory }).All.Count());
    }
}
