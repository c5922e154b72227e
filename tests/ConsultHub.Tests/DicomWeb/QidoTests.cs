using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Tests.Api;
using Telemed.Dicom.Data;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.ConsultHub.Tests.DicomWeb;

/// <summary>
/// QIDO-RS matching over the real catalog (SQLite) of the shared hub: a community of its own with studies at its
/// township and village, searched by its staff and its cardiologist through HTTP, as a DICOMweb client would.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class QidoTests(ApiHost host) : IAsyncLifetime
{
    private WorkflowCommunity community = null!;
    private readonly Dictionary<string, string> study = [];
    private readonly Dictionary<string, List<string>> instancesOf = [];

    public async Task InitializeAsync()
    {
        community = await WorkflowCommunity.CreateAsync(host);
        // name, patient id, date, accession, institution, [(modality, instances)] per series
        await AddStudyAsync("S1", "Zhang^San=张^三", "P1", "20260110", "A1", community.Town, ("CR", 2));
        await AddStudyAsync("S2", "Zhang^Si=张^四", "P2", "20260220", "A_2", community.Town, ("DX", 1));
        await AddStudyAsync("S3", "Li^Si=李^四", "P3", "20251231", "A3", community.Town, ("ECG", 2), ("SR", 1));
        await AddStudyAsync("S4", "Zhao^Liu=赵^六", "P4", "20260115", "A4", community.Village, ("CR", 1));
        await AddStudyAsync("S5", "O'Brien^Mary", "P5", "20260301", "AX2", community.Town, ("CT", 1));

        // A second version of one S1 instance (same SOP Instance UID, other bytes): searched once, the newer one.
        await using CatalogDbContext catalog = host.Services.GetRequiredService<Func<CatalogDbContext>>()();
        StoredInstance first = catalog.Instances.Single(i => i.SopInstanceUid == instancesOf["S1"][0]);
        catalog.Instances.Add(Row(first.StudyInstanceUid, first.SeriesInstanceUid, first.SopInstanceUid, "Zhang^San=张^三", "P1", "20260110", "A1", "CR", community.Town, 1, version: 2));
        await catalog.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task AddStudyAsync(string name, string patientName, string patientId, string date, string accession, string institution, params (string Modality, int Instances)[] series)
    {
        await using CatalogDbContext catalog = host.Services.GetRequiredService<Func<CatalogDbContext>>()();
        string studyUid = DicomUids.Create();
        study[name] = studyUid;
        instancesOf[name] = [];
        int seriesNumber = 0;
        foreach ((string modality, int count) in series)
        {
            string seriesUid = DicomUids.Create();
            seriesNumber++;
            for (int i = 1; i <= count; i++)
            {
                string sop = DicomUids.Create();
                instancesOf[name].Add(sop);
                catalog.Instances.Add(Row(studyUid, seriesUid, sop, patientName, patientId, date, accession, modality, institution, i, seriesNumber: seriesNumber));
            }
        }

        await catalog.SaveChangesAsync();
    }

    private static StoredInstance Row(string studyUid, string seriesUid, string sop, string patientName, string patientId, string date, string accession,
        string modality, string institution, int number, int version = 1, int seriesNumber = 1) => new()
    {
        SopInstanceUid = sop,
        SopClassUid = "1.2.840.10008.5.1.4.1.1.1",
        StudyInstanceUid = studyUid,
        SeriesInstanceUid = seriesUid,
        TransferSyntaxUid = "1.2.840.10008.1.2.1",
        PatientId = patientId,
        PatientName = patientName,
        PatientNameKey = PersonNameSearchKey.From(patientName),
        Modality = modality,
        AccessionNumber = accession,
        StudyDate = date,
        SeriesNumber = seriesNumber,
        InstanceNumber = number,
        Rows = 64,
        Columns = 32,
        BitsAllocated = 16,
        NumberOfFrames = 1,
        BlobHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray())),
        Length = 1,
        Version = version,
        ReceivedAtUtc = DateTime.UtcNow,
        InstitutionId = institution,
    };

    private async Task<JsonElement[]> SearchAsync(string user, string path)
    {
        using HttpClient client = community.ClientAs(user);
        using HttpResponseMessage response = await client.GetAsync("/dicomweb" + path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.EnumerateArray().ToArray();
    }

    private static string? Value(JsonElement dataset, string tag) =>
        dataset.TryGetProperty(tag, out JsonElement attribute) && attribute.TryGetProperty("Value", out JsonElement values)
            ? values[0].ValueKind switch
            {
                JsonValueKind.Object => values[0].GetProperty("Alphabetic").GetString(),
                JsonValueKind.Number => values[0].GetRawText(),
                _ => values[0].GetString(),
            }
            : null;

    private async Task<string[]> StudiesAsync(string query, string? user = null) =>
        [.. (await SearchAsync(user ?? community.TownStaff, "/studies?" + query)).Select(s => study.Single(p => p.Value == Value(s, "0020000D")).Key).Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData("PatientName=" + "%E5%BC%A0*", "S1,S2")] // 张*
    [InlineData("PatientName=zhang*", "S1,S2")]
    [InlineData("PatientName=ZHANG%5ES%3F%3F", "S1")] // ZHANG^S?? (San, not Si)
    [InlineData("PatientName=Zhang%5ESan", "S1")]
    [InlineData("PatientName=%E5%BC%A0%E4%B8%89", "S1")] // 张三, typed without the caret
    [InlineData("PatientName=*si", "S2,S3")]
    [InlineData("00100010=%E6%9D%8E%5E%E5%9B%9B", "S3")] // by tag: 李^四
    [InlineData("PatientName=o'brien*", "S5")]
    [InlineData("PatientName=*an*", "S1,S2")]
    [InlineData("PatientName=Zhang", "")] // single value matching is not a prefix match
    [InlineData("PatientID=P3", "S3")]
    [InlineData("PatientID=P*", "S1,S2,S3,S5")] // S4 is the village's: not the township staff's
    [InlineData("StudyDate=20260110", "S1")]
    [InlineData("StudyDate=20260101-20260228", "S1,S2")]
    [InlineData("StudyDate=-20251231", "S3")]
    [InlineData("StudyDate=20260201-", "S2,S5")]
    [InlineData("ModalitiesInStudy=ECG", "S3")]
    [InlineData("ModalitiesInStudy=CR,DX", "S1,S2")]
    [InlineData("AccessionNumber=A_2", "S2")]
    [InlineData("AccessionNumber=A%3F2", "S2,S5")] // A?2: the ? matches the literal _ and the X of AX2
    [InlineData("PatientName=*&StudyDate=20260101-&ModalitiesInStudy=CR", "S1")]
    public async Task Studies_match_names_ids_dates_modalities_and_accessions(string query, string expected)
    {
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), await StudiesAsync(query));
    }

    [Fact]
    public async Task Uid_lists_paging_and_counts()
    {
        Assert.Equal(["S1", "S3"], await StudiesAsync($"StudyInstanceUID={study["S1"]},{study["S3"]}"));
        Assert.Equal(["S1", "S3"], await StudiesAsync($"StudyInstanceUID={study["S1"]}%5C{study["S3"]}"));

        // Newest study date first, pages disjoint and together complete.
        var pages = new List<string>();
        for (int offset = 0; offset < 5; offset++)
        {
            JsonElement[] page = await SearchAsync(community.TownStaff, $"/studies?limit=1&offset={offset}");
            Assert.True(page.Length <= 1);
            pages.AddRange(page.Select(s => study.Single(p => p.Value == Value(s, "0020000D")).Key));
        }

        Assert.Equal(["S5", "S2", "S1", "S3"], pages);

        JsonElement s3 = (await SearchAsync(community.TownStaff, $"/studies?StudyInstanceUID={study["S3"]}")).Single();
        Assert.Equal("2", Value(s3, "00201206"));
        Assert.Equal("3", Value(s3, "00201208"));
        Assert.Equal(["ECG", "SR"], s3.GetProperty("00080061").GetProperty("Value").EnumerateArray().Select(v => v.GetString()!).ToArray());
        Assert.Equal("Li^Si", Value(s3, "00100010"));
        Assert.Equal("李^四", s3.GetProperty("00100010").GetProperty("Value")[0].GetProperty("Ideographic").GetString());
        Assert.EndsWith($"/dicomweb/studies/{study["S3"]}", Value(s3, "00081190"), StringComparison.Ordinal);

        // Two versions of one S1 instance count once.
        JsonElement s1 = (await SearchAsync(community.TownStaff, $"/studies?StudyInstanceUID={study["S1"]}")).Single();
        Assert.Equal("2", Value(s1, "00201208"));
    }

    [Fact]
    public async Task Series_and_instances_levels()
    {
        JsonElement[] series = await SearchAsync(community.TownStaff, $"/studies/{study["S3"]}/series");
        Assert.Equal(["ECG", "SR"], series.Select(s => Value(s, "00080060")!).ToArray());
        Assert.Equal(["2", "1"], series.Select(s => Value(s, "00201209")!).ToArray());

        JsonElement sr = (await SearchAsync(community.TownStaff, "/series?Modality=SR&PatientID=P3")).Single();
        Assert.Equal(study["S3"], Value(sr, "0020000D"));
        string srSeries = Value(sr, "0020000E")!;

        JsonElement[] s1Instances = await SearchAsync(community.TownStaff, $"/studies/{study["S1"]}/instances");
        Assert.Equal(instancesOf["S1"], s1Instances.Select(i => Value(i, "00080018")!).ToList());
        Assert.All(s1Instances, i => Assert.Equal("64", Value(i, "00280010")));
        Assert.All(s1Instances, i => Assert.Equal("1.2.840.10008.1.2.1", Value(i, "00083002")));

        JsonElement one = (await SearchAsync(community.TownStaff, $"/studies/{study["S3"]}/series/{srSeries}/instances")).Single();
        Assert.Equal(instancesOf["S3"][2], Value(one, "00080018"));
        Assert.EndsWith($"/studies/{study["S3"]}/series/{srSeries}/instances/{instancesOf["S3"][2]}", Value(one, "00081190"), StringComparison.Ordinal);

        Assert.Single(await SearchAsync(community.TownStaff, $"/instances?SOPInstanceUID={instancesOf["S2"][0]}"));
        Assert.Equal(2, (await SearchAsync(community.TownStaff, "/instances?PatientID=P3&InstanceNumber=1")).Length);
        Assert.Empty(await SearchAsync(community.TownStaff, $"/studies/{study["S4"]}/instances"));
    }

    [Fact]
    public async Task Scope_follows_api_studies_readers_see_the_community_staff_their_institution()
    {
        Assert.Equal(["S1", "S2", "S3", "S4", "S5"], await StudiesAsync("PatientID=P*", community.Cardiologist));
        Assert.Equal(["S4"], await StudiesAsync("PatientID=P*", community.VillageDoctor));
        using HttpClient admin = community.ClientAs(community.Admin);
        await Problems.AssertProblemAsync(await admin.GetAsync("/dicomweb/studies"), HttpStatusCode.Forbidden);
        using HttpClient auditor = community.ClientAs(community.Auditor);
        await Problems.AssertProblemAsync(await auditor.GetAsync("/dicomweb/instances"), HttpStatusCode.Forbidden);
        using HttpClient anonymous = host.CreateClient(new() { HandleCookies = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/dicomweb/studies")).StatusCode);
    }

    [Theory]
    [InlineData("/studies?NotAnAttribute=1")]
    [InlineData("/studies?StudyDate=2026-01-01")]
    [InlineData("/studies?limit=0")]
    [InlineData("/series?includefield=NoSuchKeyword")]
    [InlineData("/instances?SeriesNumber=one")]
    public async Task Bad_queries_are_400(string path)
    {
        using HttpClient client = community.ClientAs(community.TownStaff);
        await Problems.AssertProblemAsync(await client.GetAsync("/dicomweb" + path), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Includefield_and_unsupported_keys_are_answered_and_warned()
    {
        using HttpClient client = community.ClientAs(community.TownStaff);
        using HttpResponseMessage response = await client.GetAsync($"/dicomweb/studies?StudyInstanceUID={study["S2"]}&includefield=PatientSex,00080090&BodyPartExamined=CHEST");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Warning"), w => w.Contains("BodyPartExamined", StringComparison.Ordinal));
        JsonElement s2 = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Single();
        Assert.True(s2.TryGetProperty("00100040", out _));
        Assert.True(s2.TryGetProperty("00080090", out _));

        using HttpResponseMessage xml = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/dicomweb/studies") { Headers = { { "Accept", "application/dicom+xml" } } });
        await Problems.AssertProblemAsync(xml, HttpStatusCode.NotAcceptable);
    }
}
