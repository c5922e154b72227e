using System.IO.Pipelines;
using Microsoft.Extensions.Logging.Abstractions;
using Telemed.DeviceGateway.Ingest;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Storage.Blobs;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.DeviceGateway.Tests;

public sealed class DicomInstanceIngestTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "telemed-ingest-" + Guid.NewGuid().ToString("N"));
    private readonly BlobStore blobs;
    private readonly InstanceCatalog catalog;
    private readonly RecordingSink sink = new();
    private readonly DicomInstanceIngest ingest;

    public DicomInstanceIngestTests()
    {
        blobs = new BlobStore(Path.Combine(root, "blobs"));
        string database = Path.Combine(root, "catalog.db");
        using (SqliteCatalogDbContext context = CatalogDatabase.OpenSqlite(database))
        {
            CatalogDatabase.MigrateAsync(context).GetAwaiter().GetResult();
        }

        catalog = new InstanceCatalog(() => CatalogDatabase.OpenSqlite(database));
        var dispatcher = new IngestEventDispatcher(new IngestOutbox(() => CatalogDatabase.OpenSqlite(database)), sink,
            NullLogger<IngestEventDispatcher>.Instance);
        ingest = new DicomInstanceIngest(blobs, catalog, dispatcher, NullLogger<DicomInstanceIngest>.Instance);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task Stemi_ecg_is_stored_byte_for_byte_catalogued_and_raised_with_its_flag()
    {
        string path = GatewayTestData.Sample("ecg-inferior-stemi-utf8.dcm");
        var sent = GatewayTestData.AsSent(path);

        DicomIngestResult result = await Send(sent, chunk: 4096);

        Assert.True(result.IsSuccess, result.ErrorComment);
        Assert.Equal(InstanceOutcome.Added, result.Outcome);
        StoredInstance row = Assert.Single(await catalog.VersionsAsync(sent.SopInstance));
        Assert.Equal("ECG", row.Modality);
        Assert.False(string.IsNullOrEmpty(row.PatientName));
        AssertSameDataset(DicomFile.Open(path).Dataset, DicomFile.Open(blobs.PathOf(BlobHash.Parse(row.BlobHash))).Dataset);
        IngestedObject raised = Assert.Single(sink.Raised);
        Assert.Equal(sent.SopInstance, raised.SopInstanceUid);
        Assert.Contains("StElevation", raised.EcgFlags);
    }

    [Fact]
    public async Task Normal_ecg_raises_no_urgent_flag()
    {
        var sent = GatewayTestData.AsSent(GatewayTestData.Sample("ecg-normal-sinus-gb18030.dcm"));

        Assert.True((await Send(sent, chunk: 1 << 16)).IsSuccess);

        IngestedObject raised = Assert.Single(sink.Raised);
        Assert.DoesNotContain("StElevation", raised.EcgFlags);
        Assert.Equal("ECG", raised.Modality);
    }

    [Fact]
    public async Task Resend_of_the_same_bytes_succeeds_without_a_second_copy_or_event()
    {
        var sent = GatewayTestData.AsSent(GatewayTestData.Sample("ecg-normal-sinus-gb18030.dcm"));

        DicomIngestResult first = await Send(sent, chunk: 1000);
        DicomIngestResult again = await Send(sent, chunk: 333);

        Assert.True(again.IsSuccess);
        Assert.Equal(InstanceOutcome.Duplicate, again.Outcome);
        Assert.Equal(first.Instance!.Id, again.Instance!.Id);
        Assert.Single(sink.Raised);
        Assert.Single(BlobFiles());
        Assert.Single(await catalog.VersionsAsync(sent.SopInstance));
    }

    [Fact]
    public async Task Same_instance_with_other_bytes_keeps_both_versions()
    {
        var sent = GatewayTestData.AsSent(GatewayTestData.Sample("ecg-normal-sinus-gb18030.dcm"));
        await Send(sent, chunk: 8192);
        // The same data set re-encoded in another transfer syntax is other bytes for the same SOP Instance UID.
        DicomFile file = DicomFile.Open(GatewayTestData.Sample("ecg-normal-sinus-gb18030.dcm"));
        string implicitPath = Path.Combine(root, "implicit.dcm");
        file.Save(implicitPath, DicomTransferSyntax.ImplicitVRLittleEndian);
        var reencoded = GatewayTestData.AsSent(implicitPath);

        DicomIngestResult second = await Send(reencoded, chunk: 8192);

        Assert.True(second.IsSuccess);
        Assert.Equal(InstanceOutcome.NewVersion, second.Outcome);
        IReadOnlyList<StoredInstance> versions = await catalog.VersionsAsync(sent.SopInstance);
        Assert.Equal([1, 2], versions.Select(v => v.Version));
        Assert.Equal(2, BlobFiles().Count);
        Assert.Equal(2, sink.Raised.Count);
    }

    [Fact]
    public async Task Data_set_that_is_not_the_announced_instance_is_refused_with_A900_and_nothing_kept()
    {
        var sent = GatewayTestData.AsSent(GatewayTestData.Sample("ecg-normal-sinus-gb18030.dcm"));

        DicomIngestResult result = await Send(sent with { SopInstance = "1.2.3.4.5.6.7" }, chunk: 4096);

        Assert.Equal(DicomIngestResult.DataSetDoesNotMatchSopClass, result.Status);
        Assert.Contains("SOP Instance UID", result.ErrorComment, StringComparison.Ordinal);
        Assert.Empty(BlobFiles());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(root, "blobs", "tmp")));
        Assert.Empty(sink.Raised);
    }

    [Fact]
    public async Task Garbage_is_refused_with_C000_and_a_readable_comment()
    {
        byte[] garbage = new byte[5000];
        new Random(7).NextBytes(garbage);
        garbage[0] = 0x08; // looks like group 0008 at first, then nonsense
        garbage[1] = 0x00;

        DicomIngestResult result = await Send(("1.2.840.10008.5.1.4.1.1.1", "1.2.3.4", "1.2.840.10008.1.2.1", garbage), chunk: 512);

        Assert.Equal(DicomIngestResult.CannotUnderstand, result.Status);
        Assert.False(string.IsNullOrWhiteSpace(result.ErrorComment));
        Assert.True(result.ErrorComment!.Length <= 64);
        Assert.Empty(BlobFiles());
        Assert.Empty(sink.Raised);
    }

    [Theory]
    [InlineData("dcm4che/CT-JPEGLosslessSV1.dcm")]
    [InlineData("dcm4che/MR01.dcm")]
    [InlineData("dicomParser/deflate/wave_dfl")]
    [InlineData("fo-dicom/tests/CR-MONO1-10-chest")]
    [InlineData("pydicom-data/SC_rgb_expb.dcm")]
    public async Task Corpus_images_are_stored_as_the_same_data_set(string relative)
    {
        string path = GatewayTestData.Corpus(relative);
        var sent = GatewayTestData.AsSent(path);

        DicomIngestResult result = await Send(sent, chunk: 1 << 15);

        Assert.True(result.IsSuccess, result.ErrorComment);
        DicomFile stored = DicomFile.Open(blobs.PathOf(BlobHash.Parse(result.Instance!.BlobHash)));
        Assert.Equal(sent.Syntax, stored.TransferSyntax.Uid);
        AssertSameDataset(DicomFile.Open(path).Dataset, stored.Dataset);
        Assert.Equal(result.Instance.StudyInstanceUid, stored.Dataset.GetUid(GatewayTestData.Tag("StudyInstanceUID")));
    }

    private async Task<DicomIngestResult> Send((string SopClass, string SopInstance, string Syntax, byte[] Dataset) sent, int chunk)
    {
        var pipe = new Pipe();
        Task<DicomIngestResult> ingesting = ingest.IngestAsync(new DicomIngestRequest
        {
            SopClassUid = sent.SopClass,
            SopInstanceUid = sent.SopInstance,
            TransferSyntaxUid = sent.Syntax,
            SourceAeTitle = "STORESCU",
            SourceAddress = "127.0.0.1",
        }, pipe.Reader, CancellationToken.None);
        for (int offset = 0; offset < sent.Dataset.Length; offset += chunk)
        {
            await pipe.Writer.WriteAsync(sent.Dataset.AsMemory(offset, Math.Min(chunk, sent.Dataset.Length - offset)));
        }

        await pipe.Writer.CompleteAsync();
        return await ingesting;
    }

    private List<string> BlobFiles() =>
        [.. Directory.EnumerateFiles(Path.Combine(root, "blobs", "blobs"), "*", SearchOption.AllDirectories)];

    private static void AssertSameDataset(DicomDataset expected, DicomDataset actual)
    {
        List<DicomElement> a = [.. expected];
        List<DicomElement> b = [.. actual];
        Assert.Equal(a.Select(e => e.Tag), b.Select(e => e.Tag));
        for (int i = 0; i < a.Count; i++)
        {
            Assert.True(a[i].Value.Span.SequenceEqual(b[i].Value.Span), $"value of {a[i].Tag} differs");
        }
    }

    private sealed class RecordingSink : IIngestSink
    {
        public List<IngestedObject> Raised { get; } = [];

        public ValueTask PublishAsync(IngestedObject ingested, CancellationToken cancellationToken)
        {
            lock (Raised)
            {
                Raised.Add(ingested);
            }

            return ValueTask.CompletedTask;
        }
    }
}
