using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Telemed.DeviceGateway.Hosting;
using Telemed.DeviceGateway.Tests.Support;
using Telemed.Dicom.Files;
using Telemed.Storage.Blobs;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.DeviceGateway.Tests.Dicom;

/// <summary>The whole DICOM path of the gateway against DCMTK's own tools, as a township modality would use it.</summary>
public sealed class GatewayDcmtkTests : IAsyncLifetime
{
    private DicomGatewayHarness harness = null!;

    public async Task InitializeAsync() => harness = await DicomGatewayHarness.StartAsync();

    public async Task DisposeAsync() => await harness.DisposeAsync();

    private string Port => harness.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Echoscu_with_its_default_title_is_answered()
    {
        ToolProcess.Result echo = await ToolProcess.RunAsync("echoscu", ["-aec", "TELEMED", "127.0.0.1", Port]);

        Assert.True(echo.ExitCode == 0, echo.ToString());
    }

    [Theory]
    [InlineData("ANYSCP", "ECHOSCU", "Called AE Title Not Recognized")]
    [InlineData("TELEMED", "NOBODY", "Calling AE Title Not Recognized")]
    [InlineData("TELEMED", "FARDR", "Calling AE Title Not Recognized")]
    public async Task Unknown_titles_and_wrong_addresses_are_rejected_with_the_reason(string called, string calling, string reason)
    {
        ToolProcess.Result echo = await ToolProcess.RunAsync("echoscu", ["-aec", called, "-aet", calling, "127.0.0.1", Port]);

        Assert.NotEqual(0, echo.ExitCode);
        Assert.Contains(reason, echo.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Storescu_sends_samples_they_are_durable_catalogued_for_the_institution_and_a_resend_adds_nothing()
    {
        string[] files =
        [
            GatewayTestData.Sample("cr-chest-pa-gb18030.dcm"),
            GatewayTestData.Sample("dx-chest-pa-utf8.dcm"),
            GatewayTestData.Sample("ecg-inferior-stemi-utf8.dcm"),
            GatewayTestData.Sample("ecg-normal-sinus-gb18030.dcm"),
        ];

        ToolProcess.Result first = await ToolProcess.RunAsync("storescu", ["-aec", "TELEMED", "127.0.0.1", Port, .. files]);
        ToolProcess.Result again = await ToolProcess.RunAsync("storescu", ["-aec", "TELEMED", "127.0.0.1", Port, .. files]);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(again.ExitCode == 0, again.ToString());
        await using SqliteCatalogDbContext context = harness.OpenCatalog();
        List<StoredInstance> rows = await context.Instances.AsNoTracking().ToListAsync();
        Assert.Equal(files.Length, rows.Count);
        Assert.All(rows, r => Assert.Equal(("storescu", "township-a", "STORESCU", 1), (r.DeviceId, r.InstitutionId, r.SourceAeTitle, r.Version)));
        foreach (string file in files)
        {
            DicomFile original = DicomFile.Open(file);
            StoredInstance row = Assert.Single(rows, r => r.SopInstanceUid == original.Dataset.GetUid(GatewayTestData.Tag("SOPInstanceUID")));
            DicomFile stored = DicomFile.Open(harness.Gateway.Blobs.PathOf(BlobHash.Parse(row.BlobHash)));
            Assert.Equal(original.Dataset.Select(e => e.Tag), stored.Dataset.Select(e => e.Tag));
            foreach ((var sent, var kept) in original.Dataset.Zip(stored.Dataset))
            {
                Assert.True(sent.Value.Span.SequenceEqual(kept.Value.Span), $"{file}: value of {sent.Tag} differs");
            }
        }

        Assert.Equal(files.Length, harness.Sink.Published.Count);
        Assert.Contains(harness.Sink.Published, o => o.EcgFlags.Contains("StElevation"));
        Assert.Equal(files.Length, Directory.EnumerateFiles(Path.Combine(harness.Root, "blobs", "blobs"), "*", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public async Task Four_parallel_storescu_associations_each_store_their_files()
    {
        string[] corpus =
        [
            GatewayTestData.Corpus("dcm4che/MR01.dcm"),
            GatewayTestData.Corpus("fo-dicom/tests/CR-MONO1-10-chest"),
            GatewayTestData.Corpus("pydicom-data/SC_rgb_expb.dcm"),
            GatewayTestData.Sample("cr-chest-pa-gb18030.dcm"),
        ];

        ToolProcess.Result[] runs = await Task.WhenAll(corpus.Select(f =>
            ToolProcess.RunAsync("storescu", ["-R", "-aec", "TELEMED", "127.0.0.1", Port, f])));

        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.ToString()));
        await using SqliteCatalogDbContext context = harness.OpenCatalog();
        Assert.Equal(corpus.Length, await context.Instances.CountAsync());
        Assert.Equal(0, harness.Gateway.Devices.OpenAssociations("storescu"));
    }
}
