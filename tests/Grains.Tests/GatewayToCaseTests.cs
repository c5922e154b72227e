using System.Buffers.Binary;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging.Abstractions;
using Telemed.ConsultHub.Ingest;
using Telemed.DeviceGateway.Ingest;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Files;
using Telemed.Grains.Cases;
using Telemed.Grains.Ingest;
using Telemed.Grains.Reports;
using Telemed.Storage.Blobs;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.Grains.Tests;

/// <summary>
/// The repository's demo ECGs sent through the gateway's real ingest (blob store and catalog in the silo's own
/// database file) into the grains: the analysis flags decide the case's priority.
/// </summary>
public sealed class GatewayToCaseTests : SiloTest
{
    [Fact]
    public async Task The_inferior_stemi_sample_opens_a_stat_case_for_the_on_duty_cardiologist()
    {
        await County.DefineAsync(Grains);
        await County.OnDutyAsync(Grains, "card-c");

        (DicomIngestResult result, string study) = await Send("ecg-inferior-stemi-utf8.dcm");

        Assert.True(result.IsSuccess, result.ErrorComment);
        Guid caseId = (await Grains.GetGrain<IStudyGrain>(study).GetCaseAsync())!.Value;
        CaseView view = await County.AssignedAsync(Grains, caseId);
        Assert.Equal(CasePriority.Stat, view.Priority);
        Assert.Equal("card-c", view.AssignedReaderId);
        Assert.Contains("StElevation", view.Ecg!.Flags);
        Assert.Equal("ecg-cart-ta", view.RequestedBy);
        await Grains.GetGrain<ICaseGrain>(caseId).AcceptAsync("card-c");
        ReportContent draft = await Grains.GetGrain<IReportGrain>(caseId).StartAsync(ReportTemplateKind.RestingEcg);
        Assert.Contains("STEMI", draft.Field(ReportTemplates.StSegment), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_normal_sinus_sample_opens_a_routine_case()
    {
        await County.DefineAsync(Grains);
        await County.OnDutyAsync(Grains, "card-a");

        (DicomIngestResult result, string study) = await Send("ecg-normal-sinus-gb18030.dcm");

        Assert.True(result.IsSuccess, result.ErrorComment);
        CaseView view = await County.AssignedAsync(Grains, (await Grains.GetGrain<IStudyGrain>(study).GetCaseAsync())!.Value);
        Assert.Equal(CasePriority.Routine, view.Priority);
        Assert.DoesNotContain("StElevation", view.Ecg!.Flags);
    }

    private async Task<(DicomIngestResult Result, string Study)> Send(string sample)
    {
        DicomFile file = DicomFile.Open(Sample(sample));
        using var part10 = new MemoryStream();
        file.Write(part10);
        byte[] bytes = part10.ToArray();
        // The data set starts after the preamble, "DICM" and the file meta group (its length is in (0002,0000)).
        int datasetStart = 144 + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(140, 4));
        string sopInstance = file.Dataset.GetUid(DicomDictionary.GetTag("SOPInstanceUID"));
        var dispatcher = new IngestEventDispatcher(new IngestOutbox(() => CatalogDatabase.OpenSqlite(DatabasePath)), new GrainIngestSink(Grains),
            NullLogger<IngestEventDispatcher>.Instance);
        var ingest = new DicomInstanceIngest(new BlobStore(BlobsPath), new InstanceCatalog(() => CatalogDatabase.OpenSqlite(DatabasePath)),
            dispatcher, NullLogger<DicomInstanceIngest>.Instance);
        var pipe = new Pipe();
        Task<DicomIngestResult> ingesting = ingest.IngestAsync(new DicomIngestRequest
        {
            SopClassUid = file.Dataset.GetUid(DicomDictionary.GetTag("SOPClassUID")),
            SopInstanceUid = sopInstance,
            TransferSyntaxUid = file.TransferSyntax.Uid,
            SourceAeTitle = "ECGCART_TA",
            SourceAddress = "127.0.0.1",
            DeviceId = "ecg-cart-ta",
            InstitutionId = County.TownshipA,
        }, pipe.Reader, CancellationToken.None);
        await pipe.Writer.WriteAsync(bytes.AsMemory(datasetStart));
        await pipe.Writer.CompleteAsync();
        return (await ingesting, file.Dataset.GetUid(DicomDictionary.GetTag("StudyInstanceUID")));
    }

    private static string Sample(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Telemed.sln")))
            {
                return Path.Combine(dir.FullName, "samples", "dicom", name);
            }
        }

        throw new InvalidOperationException($"no Telemed.sln above {AppContext.BaseDirectory}");
    }
}
