using System.Security.Cryptography;
using Telemed.Storage.Blobs;
using Xunit;

namespace Telemed.Storage.Tests;

public sealed class BlobStoreTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Stored_blob_is_named_by_its_sha256_and_reads_back_identical()
    {
        var store = new BlobStore(temp.Path);
        byte[] bytes = RandomBytes(1_000_003, seed: 1);

        StoredBlob blob = await store.StoreAsync(bytes);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), blob.Hash.Hex);
        Assert.Equal(bytes.Length, blob.Length);
        Assert.False(blob.AlreadyExisted);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(store.PathOf(blob.Hash)));
        await using FileStream read = store.OpenRead(blob.Hash);
        Assert.Equal(bytes.Length, read.Length);
    }

    [Fact]
    public async Task Written_in_pieces_equals_written_whole()
    {
        var store = new BlobStore(temp.Path);
        byte[] bytes = RandomBytes(300_000, seed: 2);
        await using BlobWriter writer = store.CreateWriter();
        for (int offset = 0; offset < bytes.Length; offset += 7_919)
        {
            writer.Write(bytes.AsSpan(offset, Math.Min(7_919, bytes.Length - offset)));
        }

        StoredBlob pieces = await writer.CommitAsync();
        StoredBlob whole = await store.StoreAsync(bytes);

        Assert.Equal(whole.Hash, pieces.Hash);
        Assert.True(whole.AlreadyExisted);
    }

    [Fact]
    public async Task Same_bytes_twice_is_one_file_and_reports_already_existed()
    {
        var store = new BlobStore(temp.Path);
        byte[] bytes = RandomBytes(4096, seed: 3);

        StoredBlob first = await store.StoreAsync(bytes);
        StoredBlob second = await store.StoreAsync(bytes);

        Assert.False(first.AlreadyExisted);
        Assert.True(second.AlreadyExisted);
        Assert.Single(Directory.EnumerateFiles(Path.Combine(temp.Path, "blobs"), "*", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(temp.Path, "tmp")));
    }

    [Fact]
    public async Task Concurrent_writers_of_the_same_bytes_leave_one_blob()
    {
        var store = new BlobStore(temp.Path);
        byte[] bytes = RandomBytes(200_000, seed: 4);

        StoredBlob[] results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.StoreAsync(bytes))));

        Assert.Single(results.Select(r => r.Hash).Distinct());
        Assert.Equal(1, results.Count(r => !r.AlreadyExisted));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(store.PathOf(results[0].Hash)));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(temp.Path, "tmp")));
    }

    [Fact]
    public async Task Writer_disposed_without_commit_leaves_nothing()
    {
        var store = new BlobStore(temp.Path);
        await using (BlobWriter writer = store.CreateWriter())
        {
            writer.Write(RandomBytes(10_000, seed: 5));
            Assert.Single(Directory.EnumerateFiles(Path.Combine(temp.Path, "tmp")));
        }

        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Temporary_files_left_by_a_crash_are_removed_at_the_next_start()
    {
        var store = new BlobStore(temp.Path);
        // A writer abandoned as a killed process would leave it: never committed, never disposed.
        BlobWriter abandoned = store.CreateWriter();
        abandoned.Write(RandomBytes(1000, seed: 6));
        GC.KeepAlive(abandoned);
        Assert.Single(Directory.EnumerateFiles(Path.Combine(temp.Path, "tmp")));

        _ = new BlobStore(temp.Path);

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(temp.Path, "tmp")));
        abandoned.Dispose();
    }

    [Fact]
    public void Missing_blob_is_a_clear_error()
    {
        var store = new BlobStore(temp.Path);
        BlobHash absent = BlobHash.Parse(new string('a', 64));

        Assert.False(store.Exists(absent));
        FileNotFoundException error = Assert.Throws<FileNotFoundException>(() => store.OpenRead(absent));
        Assert.Contains(absent.Hex, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("../../../../etc/passwd0123456789abcdef0123456789abcdef0123456789")]
    public void Only_lowercase_sha256_hex_is_a_blob_hash(string text)
    {
        Assert.False(BlobHash.TryParse(text, out _));
        Assert.Throws<FormatException>(() => BlobHash.Parse(text));
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
