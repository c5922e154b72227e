using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Tests.Api;
using Telemed.DeviceGateway.Hosting;
using Telemed.Dicom.Files;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Analysis;
using Telemed.Ecg.Signals;
using Telemed.Storage.Blobs;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.ConsultHub.Tests.Uploads;

/// <summary>GET /api/ecgs/{sop} against the Ecg library's own analysis of the stored object, its windows, refusals and audit.</summary>
[Collection(ApiCollection.Name)]
public sealed class EcgApiTests(ApiHost host)
{
    [Theory]
    [InlineData("samples/dicom/ecg-inferior-stemi-utf8.dcm")]
    [InlineData("generated")]
    public async Task The_json_is_the_ecg_librarys_analysis_of_the_stored_waveform(string file)
    {
        // Objects no other test uploads: the same SOP instance from two institutions stays the first one's.
        WorkflowCommunity wf = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = wf.ClientAs(wf.TownStaff);
        string path = file == "generated"
            ? UploadFiles.Generate("dicom", Path.Combine(Path.GetTempPath(), "telemed-ecg-json-" + Guid.NewGuid().ToString("N")), "ECG-JSON")
            : Path.Combine(RepositoryPaths.Root, file);
        JsonElement done = await UploadFiles.UploadAsync(staff, path);
        if (file == "generated")
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }

        string sop = Assert.Single(done.GetProperty("sopInstanceUids").EnumerateArray()).GetString()!;

        // The library, on the bytes the hub stored.
        StoredInstance instance = await InstanceAsync(sop);
        DicomFile stored = DicomFile.Open(host.Services.GetRequiredService<GatewayService>().Blobs.PathOf(BlobHash.Parse(instance.BlobHash)));
        EcgAnalysis expected = EcgAnalyzer.Analyze(EcgWaveformReader.Read(stored, sop), EcgPatientContext.FromDataset(stored.Dataset));

        using HttpClient reader = wf.ClientAs(wf.Cardiologist);
        JsonElement ecg = await reader.GetFromJsonAsync<JsonElement>($"/api/ecgs/{sop}");
        Assert.Equal(sop, ecg.GetProperty("sopInstanceUid").GetString());
        Assert.Equal(expected.Recording.SamplingRate, ecg.GetProperty("samplingRate").GetDouble());
        Assert.Equal(expected.Recording.Length, ecg.GetProperty("totalSamples").GetInt64());
        JsonElement[] leads = [.. ecg.GetProperty("leads").EnumerateArray()];
        Assert.Equal(expected.Recording.Leads.Count, leads.Length);
        for (int i = 0; i < leads.Length; i++)
        {
            EcgLead lead = expected.Recording.Leads[i];
            Assert.Equal(LeadNames.Label(lead.Id), leads[i].GetProperty("name").GetString());
            Assert.Equal("uV", leads[i].GetProperty("unit").GetString());
            int[] samples = [.. leads[i].GetProperty("samples").EnumerateArray().Select(s => s.GetInt32())];
            Assert.Equal(lead.Length, samples.Length);
            for (int t = 0; t < samples.Length; t += 97)
            {
                Assert.Equal(Math.Round(lead[t] * 1000), samples[t], 0.5);
            }
        }

        Assert.Equal(expected.Beats.Select(b => b.Sample), ecg.GetProperty("beats").EnumerateArray().Select(b => b.GetProperty("sample").GetInt64()));
        Assert.All(ecg.GetProperty("beats").EnumerateArray(), b => Assert.Equal("N", b.GetProperty("label").GetString()));
        Assert.Equal(expected.Measurements.HeartRateBpm!.Value, ecg.GetProperty("heartRate").GetDouble(), 6);
        JsonElement m = ecg.GetProperty("measurements");
        Assert.Equal(expected.Measurements.QrsMs, Nullable(m, "qrsMs"));
        Assert.Equal(expected.Measurements.QtcBazettMs, Nullable(m, "qtcBazettMs"));
        Assert.Equal(expected.Measurements.PrMs, Nullable(m, "prMs"));
        Assert.Equal(expected.Flags.Select(f => f.Kind.ToString()), ecg.GetProperty("flags").EnumerateArray().Select(f => f.GetProperty("code").GetString()));
        foreach ((var flag, JsonElement json) in expected.Flags.Zip(ecg.GetProperty("flags").EnumerateArray()))
        {
            Assert.Equal(flag.Summary, json.GetProperty("text").GetString());
            Assert.Equal(flag.Evidence.Count, json.GetProperty("details").GetArrayLength());
            var timed = flag.Evidence.FirstOrDefault(e => e.StartSeconds is not null);
            if (timed is not null)
            {
                Assert.Equal((long)Math.Round(timed.StartSeconds!.Value * expected.Recording.SamplingRate), json.GetProperty("evidence").GetProperty("startSample").GetInt64());
            }
        }

        if (file.Contains("stemi", StringComparison.Ordinal))
        {
            // The sample was made with inferior ST elevation: the flag a viewer must show, with the leads it is in.
            JsonElement st = Assert.Single(ecg.GetProperty("flags").EnumerateArray(), f => f.GetProperty("code").GetString() == "StElevation");
            Assert.Equal("Stat", st.GetProperty("urgency").GetString());
            Assert.Contains(st.GetProperty("evidence").GetProperty("lead").GetString(), new[] { "II", "III", "aVF" });
        }

        // A window: samples and beats of 2–4 s, numbered from the start of the recording; the analysis is the whole one.
        double fs = expected.Recording.SamplingRate;
        JsonElement window = await reader.GetFromJsonAsync<JsonElement>($"/api/ecgs/{sop}?from=2&to=4");
        Assert.Equal((long)(2 * fs), window.GetProperty("startSample").GetInt64());
        Assert.All(window.GetProperty("leads").EnumerateArray(), l => Assert.Equal((int)(2 * fs), l.GetProperty("samples").GetArrayLength()));
        Assert.Equal(expected.Beats.Where(b => b.Sample >= 2 * fs && b.Sample < 4 * fs).Select(b => b.Sample),
            window.GetProperty("beats").EnumerateArray().Select(b => b.GetProperty("sample").GetInt64()));
        Assert.Equal(ecg.GetProperty("heartRate").GetDouble(), window.GetProperty("heartRate").GetDouble());
        await Problems.AssertProblemAsync(await reader.GetAsync($"/api/ecgs/{sop}?from=4&to=2"), HttpStatusCode.BadRequest);

        // Every read is audited with the patient (a DICOM upload keeps its own Patient ID).
        Assert.Equal(instance.PatientId, ecg.GetProperty("patientId").GetString());
        using HttpClient auditor = wf.ClientAs(wf.Auditor);
        JsonElement[] entries = [.. (await auditor.GetFromJsonAsync<JsonElement>($"/api/audit?user={wf.Cardiologist}&limit=100")).EnumerateArray()];
        Assert.Contains(entries, e => e.GetProperty("action").GetString() == "ecgs.read" && e.GetProperty("resource").GetString() == $"ecg/{sop}"
            && e.GetProperty("outcome").GetString() == "ok" && e.GetProperty("patientId").GetString() == instance.PatientId);
    }

    [Fact]
    public async Task An_image_or_an_unknown_instance_is_no_ecg_and_other_communities_are_refused()
    {
        WorkflowCommunity wf = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = wf.ClientAs(wf.TownStaff);
        JsonElement image = await UploadFiles.UploadAsync(staff, Path.Combine(RepositoryPaths.Root, "samples", "dicom", "cr-chest-pa-gb18030.dcm"));
        Assert.Equal("Stored", image.GetProperty("state").GetString());
        string imageSop = Assert.Single(image.GetProperty("sopInstanceUids").EnumerateArray()).GetString()!;
        using HttpResponseMessage notEcg = await staff.GetAsync($"/api/ecgs/{imageSop}");
        await Problems.AssertProblemAsync(notEcg, HttpStatusCode.NotFound);
        Assert.Contains("not an ECG", await notEcg.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Problems.AssertProblemAsync(await staff.GetAsync("/api/ecgs/1.2.3.4.5.6.7"), HttpStatusCode.NotFound);

        string folder = Path.Combine(Path.GetTempPath(), "telemed-ecg-scope-" + Guid.NewGuid().ToString("N"));
        JsonElement ecg = await UploadFiles.UploadAsync(staff, UploadFiles.Generate("dicom", folder, "SCOPE-1"));
        Directory.Delete(folder, recursive: true);
        string sop = Assert.Single(ecg.GetProperty("sopInstanceUids").EnumerateArray()).GetString()!;
        using (HttpClient reader = wf.ClientAs(wf.Cardiologist))
        {
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/api/ecgs/{sop}")).StatusCode);
        }

        WorkflowCommunity other = await WorkflowCommunity.CreateAsync(host);
        using HttpClient outsider = other.ClientAs(other.Cardiologist);
        await Problems.AssertProblemAsync(await outsider.GetAsync($"/api/ecgs/{sop}"), HttpStatusCode.Forbidden);
        using HttpClient admin = wf.ClientAs(wf.Admin);
        await Problems.AssertProblemAsync(await admin.GetAsync($"/api/ecgs/{sop}"), HttpStatusCode.Forbidden);
    }

    private static double? Nullable(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetDouble();

    private async Task<StoredInstance> InstanceAsync(string sop)
    {
        await using CatalogDbContext catalog = host.Services.GetRequiredService<Func<CatalogDbContext>>()();
        return await catalog.Instances.AsNoTracking().Where(i => i.SopInstanceUid == sop).OrderByDescending(i => i.Version).FirstAsync();
    }
}
