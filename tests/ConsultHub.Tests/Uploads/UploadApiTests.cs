using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Tests.Api;
using Telemed.DeviceGateway.Hosting;
using Telemed.Storage.Blobs;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.ConsultHub.Tests.Uploads;

/// <summary>
/// /api/uploads on the real hub: every format converted, stored through the same ingest as C-STORE and opened as a
/// case; the protocol's refusals (stale offset, checksum, size, content type, overrun, cancel); uploads cut off mid-body.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class UploadApiTests(ApiHost host) : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "telemed-upload-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static TheoryData<string> GeneratedKinds() => ["scp", "scp-reference-beat", "aecg", "dicom", "wfdb-zip"];

    public static TheoryData<string> RealFiles() => [.. UploadFiles.RealEcgFiles().Select(f => Path.GetRelativePath(UploadFiles.Shared, f))];

    [Theory]
    [MemberData(nameof(GeneratedKinds))]
    public async Task A_generated_ecg_file_is_converted_stored_analysed_and_opens_a_case(string kind)
    {
        WorkflowCommunity wf = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = wf.ClientAs(wf.TownStaff);
        string patient = "UP-" + kind;
        string path = UploadFiles.Generate(kind, folder, patient);
        JsonElement done = await UploadFiles.UploadAsync(staff, path);
        Assert.True(done.GetProperty("state").GetString() == "Stored", done.ToString());
        string expectedFormat = kind switch
        {
            "scp" or "scp-reference-beat" => "ScpEcg",
            "aecg" => "HL7Aecg",
            "dicom" => "Dicom",
            _ => "Wfdb",
        };
        Assert.Equal(expectedFormat, done.GetProperty("format").GetString());
        string sop = Assert.Single(done.GetProperty("sopInstanceUids").EnumerateArray()).GetString()!;

        // Converted files keep the original, byte for byte, in the blob store.
        byte[] source = await File.ReadAllBytesAsync(path);
        if (kind != "dicom")
        {
            Assert.Equal(UploadFiles.Sha256(source), done.GetProperty("originalBlobHash").GetString());
            Assert.Equal(source, await File.ReadAllBytesAsync(Blobs.PathOf(BlobHash.Parse(done.GetProperty("originalBlobHash").GetString()!))));
        }

        // The same case a device's C-STORE would open: an ECG read at the uploader's institution, for the patient.
        Guid caseId = await UploadFiles.CaseOfAsync(staff, done.GetProperty("uploadId").GetString()!);
        JsonElement opened = await staff.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}");
        Assert.Equal("EcgRead", opened.GetProperty("kind").GetString());
        Assert.Equal(wf.Town, opened.GetProperty("requestingInstitutionId").GetString());
        Assert.Equal(kind == "wfdb-zip" ? JsonValueKind.Null : JsonValueKind.String, opened.GetProperty("patientId").ValueKind);

        JsonElement ecg = await staff.GetFromJsonAsync<JsonElement>($"/api/ecgs/{sop}");
        double rate = ecg.GetProperty("heartRate").GetDouble();
        Assert.InRange(rate, kind == "wfdb-zip" ? 60 : 40, kind == "wfdb-zip" ? 90 : 120); // mitdb 100: ~75 bpm sinus rhythm
        if (kind != "wfdb-zip")
        {
            Assert.Equal(12, ecg.GetProperty("leads").GetArrayLength());
            Assert.Equal(patient, ecg.GetProperty("patientId").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(RealFiles))]
    public async Task A_real_ecg_file_is_converted_and_analysed_with_a_sane_heart_rate(string file)
    {
        WorkflowCommunity wf = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = wf.ClientAs(wf.TownStaff);
        string path = Path.Combine(UploadFiles.Shared, file);
        JsonElement done = await UploadFiles.UploadAsync(staff, path, patientId: "REAL-1");
        if (done.GetProperty("state").GetString() != "Stored")
        {
            // Only the Healforce handheld's file breaks the standard badly enough to be refused, and then with a reason.
            Assert.Contains("healforce", file, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("Failed", done.GetProperty("state").GetString());
            Assert.False(string.IsNullOrWhiteSpace(done.GetProperty("reason").GetString()));
            return;
        }

        string sop = Assert.Single(done.GetProperty("sopInstanceUids").EnumerateArray()).GetString()!;
        JsonElement ecg = await staff.GetFromJsonAsync<JsonElement>($"/api/ecgs/{sop}");
        Assert.InRange(ecg.GetProperty("heartRate").GetDouble(), 30, 200);
        Assert.True(ecg.GetProperty("beats").GetArrayLength() >= 5, ecg.GetProperty("beats").ToString());
        Assert.All(ecg.GetProperty("leads").EnumerateArray(), l => Assert.Equal("uV", l.GetProperty("unit").GetString()));
        await UploadFiles.CaseOfAsync(staff, done.GetProperty("uploadId").GetString()!);
    }

    [Fact]
    public async Task The_same_dicom_object_again_is_idempotent_and_from_another_institution_is_refused()
    {
        WorkflowCommunity wf = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = wf.ClientAs(wf.TownStaff);
        string path = UploadFiles.Generate("dicom", folder, "DUP-1");
        JsonElement first = await UploadFiles.UploadAsync(staff, path);
        JsonElement again = await UploadFiles.UploadAsync(staff, path);
        Assert.Equal(("Stored", "Stored"), (first.GetProperty("state").GetString(), again.GetProperty("state").GetString()));
        Assert.Equal(first.GetProperty("sopInstanceUids").ToString(), again.GetProperty("sopInstanceUids").ToString());
        Assert.Equal(await UploadFiles.CaseOfAsync(staff, first.GetProperty("uploadId").GetString()!),
            await UploadFiles.CaseOfAsync(staff, again.GetProperty("uploadId").GetString()!));

        using HttpClient village = wf.ClientAs(wf.VillageDoctor);
        JsonElement elsewhere = await UploadFiles.UploadAsync(village, path);
        Assert.Equal("Failed", elsewhere.GetProperty("state").GetString());
        Assert.Contains("another institution", elsewhere.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, elsewhere.GetProperty("caseId").ValueKind);

        // A converted file is the hub's own object: each institution gets an instance of its own.
        string scp = UploadFiles.Generate("scp", folder, "DUP-2");
        JsonElement town = await UploadFiles.UploadAsync(staff, scp);
        JsonElement fromVillage = await UploadFiles.UploadAsync(village, scp);
        Assert.Equal(("Stored", "Stored"), (town.GetProperty("state").GetString(), fromVillage.GetProperty("state").GetString()));
        Assert.NotEqual(town.GetProperty("sopInstanceUids").ToString(), fromVillage.GetProperty("sopInstanceUids").ToString());
    }

    [Fact]
    public async Task A_stale_offset_is_a_conflict_that_names_the_offset_to_resume_from()
    {
        WorkflowCommunity wf = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = wf.ClientAs(wf.TownStaff);
        byte[] bytes = await File.ReadAllBytesAsync(UploadFiles.SampleEcg);
        string id = await UploadFiles.CreateAsync(staff, "ecg.dcm", bytes);
        using (HttpRequestMessage first = UploadFiles.Patch(id, 0, new ByteArrayContent(bytes, 0, 1000)))
        using (HttpResponseMessage ok = await staff.SendAsync(first))
        {
            Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
            Assert.Equal("1000", Assert.Single(ok.Headers.GetValues("Upload-Offset")));
        }

        using (HttpRequestMessage again = UploadFiles.Patch(id, 0, new ByteArrayContent(bytes, 0, 1000)))
        using (HttpResponseMessage conflict = await staff.SendAsync(again))
        {
            await Problems.AssertProblemAsync(conflict, HttpStatusCode.Conflict);
            Assert.Equal("1000", Assert.Single(conflict.Headers.GetValues("Upload-Offset")));
        }

        JsonElement view = await staff.GetFromJsonAsync<JsonElement>($"/api/uploads/{id}");
        Assert.Equal(("Receiving", 1000L), (view.GetProperty("state").GetString(), view.GetProperty("offset").GetInt64()));

        // A body running past the declared length: only the bytes up to it are kept.
        byte[] tooMuch = [.. bytes.AsSpan(1000), .. "extra"u8];
        using (HttpRequestMessage over = UploadFiles.Patch(id, 1000, new ByteArrayContent(tooMuch)))
        using (HttpResponseMessage refused = await staff.SendAsync(over))
        {
            await Problems.AssertProblemAsync(refused, HttpStatusCode.BadRequest);
        }

        Assert.Equal(bytes.Length, await UploadFiles.OffsetAsync(staff, id));
    }

    [Fact]
    public async Task A_checksum_mismatch_discards_the_upload_with_422()
    {
        WorkflowCommunity wf = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = wf.ClientAs(wf.TownStaff);
        byte[] bytes = await File.ReadAllBytesAsync(UploadFiles.SampleEcg);
        string id = await UploadFiles.CreateAsync(staff, "ecg.dcm", bytes);
        byte[] damaged = [.. bytes];
        damaged[^10] ^= 0xFF; // a bit error the transport did not catch
        using HttpRequestMessage patch = UploadFiles.Patch(id, 0, new ByteArrayContent(damaged));
        using HttpResponseMessage response = await staff.SendAsync(patch);
        await Problems.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("SHA-256", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Problems.AssertProblemAsync(await staff.GetAsync($"/api/uploads/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_requests_get_clear_4xx_answers()
    {
        WorkflowCommunity wf = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = wf.ClientAs(wf.TownStaff);
        var hash = new string('a', 64);
        await Problems.AssertProblemAsync(await staff.PostAsJsonAsync("/api/uploads", new { fileName = "x.scp", length = 0, sha256 = hash }), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await staff.PostAsJsonAsync("/api/uploads", new { fileName = "x.scp", length = 10, sha256 = "abc" }), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await staff.PostAsJsonAsync("/api/uploads", new { fileName = "huge.dcm", length = 1L << 40, sha256 = hash }), HttpStatusCode.RequestEntityTooLarge);

        byte[] bytes = "not an ECG at all, just a note typed by someone\n"u8.ToArray();
        string id = await UploadFiles.CreateAsync(staff, "note.txt", bytes);
        using (var wrongType = new HttpRequestMessage(HttpMethod.Patch, $"/api/uploads/{id}") { Content = new ByteArrayContent(bytes) })
        {
            wrongType.Headers.Add("Upload-Offset", "0");
            await Problems.AssertProblemAsync(await staff.SendAsync(wrongType), HttpStatusCode.UnsupportedMediaType);
        }

        using (var noOffset = new HttpRequestMessage(HttpMethod.Patch, $"/api/uploads/{id}") { Content = new ByteArrayContent(bytes) })
        {
            noOffset.Content.Headers.ContentType = new("application/offset+octet-stream");
            await Problems.AssertProblemAsync(await staff.SendAsync(noOffset), HttpStatusCode.BadRequest);
        }

        // Complete but of no format the hub knows: failed, with the reason, and no instance.
        using HttpRequestMessage patch = UploadFiles.Patch(id, 0, new ByteArrayContent(bytes));
        using HttpResponseMessage response = await staff.SendAsync(patch);
        JsonElement failed = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Failed", failed.GetProperty("state").GetString());
        Assert.Contains("not a format the hub accepts", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, failed.GetProperty("sopInstanceUids").GetArrayLength());
        await Problems.AssertProblemAsync(await staff.GetAsync("/api/uploads/0123456789abcdef0123456789abcdef"), HttpStatusCode.NotFound);

        // A WFDB header alone, and a ZIP holding a header without its signal file: refused with what is missing.
        JsonElement header = await UploadFiles.UploadAsync(staff, Path.Combine(UploadFiles.Shared, "ecg", "mitdb", "100.hea"));
        Assert.Equal("Failed", header.GetProperty("state").GetString());
        Assert.Contains("ZIP archive holding the .hea and its .dat", header.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Directory.CreateDirectory(folder);
        string zip = Path.Combine(folder, "header-only.zip");
        using (var archive = System.IO.Compression.ZipFile.Open(zip, System.IO.Compression.ZipArchiveMode.Create))
        {
            System.IO.Compression.ZipFileExtensions.CreateEntryFromFile(archive, Path.Combine(UploadFiles.Shared, "ecg", "mitdb", "100.hea"), "100.hea");
        }

        JsonElement lonely = await UploadFiles.UploadAsync(staff, zip);
        Assert.Equal("Failed", lonely.GetProperty("state").GetString());
        Assert.Contains("100.dat", lonely.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_cancels_an_upload_and_its_bytes()
    {
        WorkflowCommunity wf = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = wf.ClientAs(wf.TownStaff);
        byte[] bytes = await File.ReadAllBytesAsync(UploadFiles.SampleEcg);
        string id = await UploadFiles.CreateAsync(staff, "ecg.dcm", bytes);
        using (HttpRequestMessage first = UploadFiles.Patch(id, 0, new ByteArrayContent(bytes, 0, 5000)))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await staff.SendAsync(first)).StatusCode);
        }

        string partial = Path.Combine(host.DataDirectory, "uploads", id);
        Assert.True(Directory.Exists(partial));
        Assert.Equal(HttpStatusCode.NoContent, (await staff.DeleteAsync($"/api/uploads/{id}")).StatusCode);
        Assert.False(Directory.Exists(partial));
        await Problems.AssertProblemAsync(await staff.GetAsync($"/api/uploads/{id}"), HttpStatusCode.NotFound);
        using HttpRequestMessage late = UploadFiles.Patch(id, 5000, new ByteArrayContent(bytes, 5000, 10));
        await Problems.AssertProblemAsync(await staff.SendAsync(late), HttpStatusCode.NotFound);
    }

    private BlobStore Blobs => host.Services.GetRequiredService<GatewayService>().Blobs;
}
