extern alias cli;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using cli::Telemed.Cli.Upload;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Telemed.DeviceGateway.Hosting;
using Telemed.Storage.Blobs;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.ConsultHub.Tests.Uploads;

/// <summary>
/// Uploads over a real socket that break off mid-body, by hand at the HTTP level and through <c>telemed upload</c>
/// (whose link drops on purpose): every time the client asks the hub what it kept and goes on from there.
/// </summary>
public sealed partial class UploadInterruptionTests(UploadHost host) : IClassFixture<UploadHost>, IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "telemed-upload-cut-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The issue's test: the body is cut off at 20 random offsets (seeded): the client's stream throws after N bytes,
    /// so the client aborts the connection mid-body. Each time the client asks the hub for its offset and goes on from
    /// there. The file completes, and what is stored is the file's bytes exactly: the original blob of a converted
    /// SCP-ECG (SHA-256 and bytes), or the data set of a DICOM image after its (rewritten) File Meta Information.
    /// </summary>
    [Theory]
    [InlineData("scp", 20261127)]
    [InlineData("dicom-image", 11112)]
    public async Task An_upload_interrupted_at_20_random_offsets_completes_byte_identical(string kind, int seed)
    {
        using HttpClient staff = host.ClientAs(UploadHost.Staff);
        string path = kind == "scp"
            ? UploadFiles.Generate("scp", folder, "CUT-1")
            : Path.Combine(RepositoryPaths.Root, "samples", "dicom", "dx-chest-pa-utf8.dcm");
        byte[] source = await File.ReadAllBytesAsync(path);
        string id = await UploadFiles.CreateAsync(staff, Path.GetFileName(path), source);
        var random = new Random(seed);
        long[] cuts = [.. Enumerable.Range(0, 20).Select(_ => random.NextInt64(1, source.Length)).Distinct().Order()];
        long previous = 0;
        int grew = 0;
        foreach (long cut in cuts)
        {
            long offset = await UploadFiles.OffsetAsync(staff, id);
            Assert.InRange(offset, previous, source.Length - 1);
            previous = offset;
            if (cut <= offset)
            {
                continue; // the hub already has the bytes up to this cut
            }

            var body = new BreakingStream(source, (int)offset, (int)(cut - offset));
            using HttpRequestMessage patch = UploadFiles.Patch(id, offset, new StreamContent(body));
            patch.Content!.Headers.ContentLength = source.Length - offset;
            await Assert.ThrowsAnyAsync<Exception>(() => staff.SendAsync(patch));
            // What arrived before the break is kept, never more than was sent; the next round resumes after it.
            long kept = await WaitForOffsetAsync(staff, id, offset, cut);
            grew += kept > offset ? 1 : 0;
        }

        Assert.True(grew >= 10, $"the hub kept bytes after only {grew} of {cuts.Length} breaks");
        long resumeAt = await UploadFiles.OffsetAsync(staff, id);
        using HttpRequestMessage rest = UploadFiles.Patch(id, resumeAt, new ByteArrayContent(source, (int)resumeAt, source.Length - (int)resumeAt));
        using HttpResponseMessage response = await staff.SendAsync(rest);
        JsonElement done = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(done.GetProperty("state").GetString() == "Stored", done.ToString());
        Assert.Equal(source.Length, done.GetProperty("offset").GetInt64());
        string sop = Assert.Single(done.GetProperty("sopInstanceUids").EnumerateArray()).GetString()!;

        if (kind == "scp")
        {
            Assert.Equal(UploadFiles.Sha256(source), done.GetProperty("originalBlobHash").GetString());
            byte[] kept = await File.ReadAllBytesAsync(Blobs.PathOf(BlobHash.Parse(done.GetProperty("originalBlobHash").GetString()!)));
            Assert.Equal(UploadFiles.Sha256(source), UploadFiles.Sha256(kept));
            Assert.Equal(source, kept);
        }
        else
        {
            byte[] stored = await File.ReadAllBytesAsync(Blobs.PathOf(BlobHash.Parse(await BlobOfAsync(sop))));
            byte[] sourceDataset = source[(int)DatasetOffset(source)..];
            byte[] storedDataset = stored[(int)DatasetOffset(stored)..];
            Assert.Equal(UploadFiles.Sha256(sourceDataset), UploadFiles.Sha256(storedDataset));
            Assert.Equal(sourceDataset, storedDataset);
        }

        await UploadFiles.CaseOfAsync(staff, id);
    }

    [GeneratedRegex(@"^instance  (?<sop>[0-9.]+)\r?$", RegexOptions.Multiline)]
    private static partial Regex InstanceLine();

    [GeneratedRegex(@"^case      (?<case>[0-9a-f-]{36})\r?$", RegexOptions.Multiline)]
    private static partial Regex CaseLine();

    [GeneratedRegex(@"^upload (?<id>[0-9a-f]{32}) ", RegexOptions.Multiline)]
    private static partial Regex UploadLine();

    /// <summary>
    /// <c>telemed upload</c> with small chunks over a link that drops every third chunk mid-body: it retries with
    /// backoff, resumes from the hub's offset, draws its progress bar and prints the stored instance and the case.
    /// Then a second run is stopped after a few chunks and continued with --resume.
    /// </summary>
    [Fact]
    public async Task The_cli_uploads_through_a_dropping_link_and_resumes_an_interrupted_run()
    {
        string path = UploadFiles.Generate("aecg", folder, "CLI-1");
        var settings = new UploadSettings { ChunkSize = 16 * 1024, InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(200) };
        using var flaky = new DroppingHandler(dropEvery: 3, seed: 7);
        (int code, string output, string error) = Run(["upload", path, "--hub", host.Address.ToString(), "--token", host.TokenOf(UploadHost.Staff)], flaky, settings);
        Assert.True(code == 0, error + output);
        Assert.True(flaky.Dropped >= 3, $"only {flaky.Dropped} drops");
        Assert.Contains("retry", error, StringComparison.Ordinal);
        Assert.Contains("100.0%", error, StringComparison.Ordinal);
        string sop = InstanceLine().Match(output).Groups["sop"].Value;
        Assert.False(string.IsNullOrEmpty(sop), output);
        Assert.True(CaseLine().IsMatch(output), output);

        using HttpClient staff = host.ClientAs(UploadHost.Staff);
        JsonElement ecg = await staff.GetFromJsonAsync<JsonElement>($"/api/ecgs/{sop}");
        Assert.InRange(ecg.GetProperty("heartRate").GetDouble(), 40, 120);

        // A run that stops for good after 4 chunks (the PC was switched off), then --resume with the id it printed.
        string other = UploadFiles.Generate("scp-reference-beat", folder, "CLI-2");
        using var dying = new DroppingHandler(dropEvery: int.MaxValue, seed: 1) { FailAllAfter = 4 };
        UploadSettings small = settings with { ChunkSize = 4096 };
        (code, _, error) = Run(["upload", other, "--retries", "2", "--hub", host.Address.ToString(), "--token", host.TokenOf(UploadHost.Staff)], dying, small);
        Assert.Equal(1, code);
        Assert.Contains("--resume", error, StringComparison.Ordinal);
        string id = UploadLine().Match(error).Groups["id"].Value;
        Assert.Equal(4L * small.ChunkSize, await UploadFiles.OffsetAsync(staff, id));
        (code, output, error) = Run(["upload", other, "--resume", id, "--hub", host.Address.ToString(), "--token", host.TokenOf(UploadHost.Staff)], null, small);
        Assert.True(code == 0, error + output);
        Assert.Contains("(ScpEcg,", output, StringComparison.Ordinal);
        JsonElement view = await staff.GetFromJsonAsync<JsonElement>($"/api/uploads/{id}");
        Assert.Equal(UploadFiles.Sha256(await File.ReadAllBytesAsync(other)), view.GetProperty("originalBlobHash").GetString());
    }

    private static (int Code, string Out, string Error) Run(string[] args, HttpMessageHandler? handler, UploadSettings settings)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = UploadCommand.Run(args[1..], stdout, stderr, handler, settings);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private BlobStore Blobs => host.Services.GetRequiredService<GatewayService>().Blobs;

    private async Task<string> BlobOfAsync(string sop)
    {
        await using CatalogDbContext catalog = host.Services.GetRequiredService<Func<CatalogDbContext>>()();
        return (await catalog.Instances.AsNoTracking().Where(i => i.SopInstanceUid == sop).OrderByDescending(i => i.Version).FirstAsync()).BlobHash;
    }

    private static long DatasetOffset(byte[] file)
    {
        using var stream = new MemoryStream(file);
        return Telemed.ConsultHub.Uploads.DicomPart10.DatasetOffset(stream);
    }

    /// <summary>The hub writes what it got once it notices the break: poll until the offset moved (it may stay, if nothing arrived).</summary>
    private static async Task<long> WaitForOffsetAsync(HttpClient client, string id, long before, long cut)
    {
        long offset = before;
        for (var deadline = DateTime.UtcNow.AddSeconds(3); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            offset = await UploadFiles.OffsetAsync(client, id);
            if (offset > before)
            {
                break;
            }
        }

        Assert.InRange(offset, before, cut);
        return offset;
    }

    /// <summary>
    /// A request body that breaks off as a 3G link does: <c>count</c> bytes from <c>start</c> go out, the link stalls
    /// (the hub reads and keeps what arrived), then the client gives up and aborts the connection.
    /// </summary>
    private sealed class BreakingStream(byte[] source, int start, int count) : Stream
    {
        private int sent;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => sent;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int length) => throw new NotSupportedException("read asynchronously");

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (sent >= count)
            {
                await Task.Delay(300, cancellationToken);
                throw new IOException("link dropped (test)");
            }

            int n = Math.Min(Math.Min(buffer.Length, count - sent), 8192);
            source.AsMemory(start + sent, n).CopyTo(buffer);
            sent += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>
    /// A link that drops: every <c>dropEvery</c>-th PATCH breaks off at a random point of its body (after the bytes
    /// before it went out), and after <see cref="FailAllAfter"/> PATCHes every request fails, as with the PC switched off.
    /// </summary>
    private sealed class DroppingHandler(int dropEvery, int seed) : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly Random random = new(seed);
        private int patches;

        public int Dropped { get; private set; }

        public int FailAllAfter { get; init; } = int.MaxValue;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (patches >= FailAllAfter)
            {
                throw new HttpRequestException("network is unreachable (test)");
            }

            if (request.Method == HttpMethod.Patch && ++patches % dropEvery == 0 && request.Content is not null)
            {
                byte[] body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
                int cut = random.Next(1, body.Length);
                var broken = new StreamContent(new BreakingStream(body, 0, cut));
                foreach (var header in request.Content.Headers)
                {
                    broken.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

                request.Content = broken;
                Dropped++;
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
