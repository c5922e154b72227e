using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Telemed.ConsultHub.Tests.Api;
using Telemed.Dicom.Files;
using Telemed.Dicom.Imaging;
using Xunit;

namespace Telemed.ConsultHub.Tests.DicomWeb;

/// <summary>
/// STOW-RS into the real ingest (blob store, catalog, outbox, study grain) and WADO-RS back out, through HTTP on the
/// shared hub, in a community of the test's own: content types, bytes, frames in original and decoded transfer
/// syntax, rendered images with window parameters, partial STOW failures, refusals.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class WadoStowTests(ApiHost host) : IAsyncLifetime
{
    private WorkflowCommunity community = null!;

    public async Task InitializeAsync() => community = await WorkflowCommunity.CreateAsync(host);

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<JsonElement> StowAsync(HttpClient client, HttpStatusCode expected, string path, params byte[][] parts)
    {
        using HttpResponseMessage response = await client.PostAsync("/dicomweb" + path, DicomWebSamples.Stow(parts));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {body}");
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static JsonElement[] Sequence(JsonElement dataset, string tag) =>
        dataset.TryGetProperty(tag, out JsonElement sq) ? [.. sq.GetProperty("Value").EnumerateArray()] : [];

    private static string? Value(JsonElement dataset, string tag) =>
        dataset.TryGetProperty(tag, out JsonElement a) && a.TryGetProperty("Value", out JsonElement v) ? v[0].ToString() : null;

    private static HttpRequestMessage Get(string url, string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return request;
    }

    [Fact]
    public async Task Stored_instances_come_back_as_stored_with_metadata_frames_bulk_data_and_rendered_images()
    {
        var cr = DicomWebSamples.Fresh(DicomWebSamples.Cr);
        var ecg = DicomWebSamples.Fresh(DicomWebSamples.Ecg);
        using HttpClient staff = community.ClientAs(community.TownStaff);
        JsonElement stored = await StowAsync(staff, HttpStatusCode.OK, "/studies", cr.Bytes, ecg.Bytes);
        JsonElement[] referenced = Sequence(stored, "00081199");
        Assert.Equal([cr.Sop, ecg.Sop], referenced.Select(r => Value(r, "00081155")!).ToArray());
        Assert.Empty(Sequence(stored, "00081198"));

        using HttpClient reader = community.ClientAs(community.Cardiologist);
        string crUrl = $"/dicomweb/studies/{cr.Study}/series/{cr.Series}/instances/{cr.Sop}";
        Assert.EndsWith(crUrl, Value(referenced[0], "00081190"), StringComparison.Ordinal);

        // The instance, as multipart/related; type="application/dicom", and single part when asked for.
        using (HttpResponseMessage response = await reader.SendAsync(Get(crUrl, "multipart/related; type=\"application/dicom\"; transfer-syntax=*")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("multipart/related", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(response.Content.Headers.ContentType!.Parameters, p => p.Name == "type" && p.Value == "\"application/dicom\"");
            var part = Assert.Single(await DicomWebSamples.PartsAsync(response));
            Assert.StartsWith("application/dicom", part.ContentType, StringComparison.Ordinal);
            Assert.True(DicomWebSamples.DatasetOf(part.Body).SequenceEqual(DicomWebSamples.DatasetOf(cr.Bytes)));
        }

        using (HttpResponseMessage single = await reader.SendAsync(Get(crUrl, "application/dicom")))
        {
            Assert.Equal("application/dicom", single.Content.Headers.ContentType?.MediaType);
            Assert.True(DicomWebSamples.DatasetOf(await single.Content.ReadAsByteArrayAsync()).SequenceEqual(DicomWebSamples.DatasetOf(cr.Bytes)));
        }

        // The study: both instances, one part each.
        using (HttpResponseMessage studyResponse = await reader.GetAsync($"/dicomweb/studies/{cr.Study}"))
        {
            Assert.Single(await DicomWebSamples.PartsAsync(studyResponse));
        }

        await Problems.AssertProblemAsync(await reader.SendAsync(Get(crUrl, "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50")), HttpStatusCode.NotAcceptable);

        // Metadata: DICOM JSON with the pixel data by reference, and the reference resolves to the pixels.
        using HttpResponseMessage metadataResponse = await reader.GetAsync(crUrl + "/metadata");
        Assert.Equal("application/dicom+json", metadataResponse.Content.Headers.ContentType?.MediaType);
        JsonElement metadata = JsonDocument.Parse(await metadataResponse.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Single();
        Assert.Equal("王^五", metadata.GetProperty("00100010").GetProperty("Value")[0].GetProperty("Ideographic").GetString());
        Assert.False(metadata.TryGetProperty("00080005", out _)); // JSON is Unicode: the file's GB18030 is not claimed
        string pixelUri = metadata.GetProperty("7FE00010").GetProperty("BulkDataURI").GetString()!;
        DicomFile original = DicomFile.Parse(cr.Bytes);
        byte[] nativePixels = PixelData.FromFile(original).GetFrame(0).ToArray();
        using (HttpResponseMessage bulk = await reader.GetAsync(new Uri(pixelUri).PathAndQuery))
        {
            Assert.Equal(nativePixels, Assert.Single(await DicomWebSamples.PartsAsync(bulk)).Body);
        }

        // Frames: the native frame; asking for a compressed syntax the instance is not in is 406.
        using (HttpResponseMessage frames = await reader.GetAsync(crUrl + "/frames/1"))
        {
            Assert.Equal(HttpStatusCode.OK, frames.StatusCode);
            var frame = Assert.Single(await DicomWebSamples.PartsAsync(frames));
            Assert.StartsWith("application/octet-stream", frame.ContentType, StringComparison.Ordinal);
            Assert.Equal(nativePixels, frame.Body);
        }

        await Problems.AssertProblemAsync(await reader.SendAsync(Get(crUrl + "/frames/1", "multipart/related; type=\"image/jpeg\"")), HttpStatusCode.NotAcceptable);
        await Problems.AssertProblemAsync(await reader.GetAsync(crUrl + "/frames/2"), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await reader.GetAsync(crUrl + "/frames/0"), HttpStatusCode.BadRequest);

        // Rendered: JPEG by default, PNG when asked; the window changes the picture.
        using HttpResponseMessage jpeg = await reader.GetAsync(crUrl + "/rendered?quality=80");
        Assert.Equal("image/jpeg", jpeg.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, (await jpeg.Content.ReadAsByteArrayAsync())[..2]);
        byte[] narrow = await (await reader.SendAsync(Get(crUrl + "/rendered?window=1900,400,linear", "image/png"))).Content.ReadAsByteArrayAsync();
        byte[] wide = await (await reader.SendAsync(Get(crUrl + "/rendered?window=1900,3600", "image/png"))).Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, narrow[..4]);
        Assert.NotEqual(narrow, wide);
        await Problems.AssertProblemAsync(await reader.GetAsync(crUrl + "/rendered?window=1900"), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await reader.GetAsync(crUrl + "/rendered?quality=0"), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await reader.SendAsync(Get(crUrl + "/rendered", "image/gif")), HttpStatusCode.NotAcceptable);

        // The ECG: its waveform samples are bulk data; it has no pixels to render.
        string ecgUrl = $"/dicomweb/studies/{ecg.Study}/series/{ecg.Series}/instances/{ecg.Sop}";
        string ecgMetadata = await reader.GetStringAsync(ecgUrl + "/metadata");
        Assert.Contains("/bulkdata/54000100/0/54001010", ecgMetadata, StringComparison.Ordinal);
        using (HttpResponseMessage samples = await reader.SendAsync(Get(ecgUrl + "/bulkdata/54000100/0/54001010", "application/octet-stream")))
        {
            Assert.Equal("application/octet-stream", samples.Content.Headers.ContentType?.MediaType);
            Assert.Equal(12 * 5000 * 2, (await samples.Content.ReadAsByteArrayAsync()).Length);
        }

        await Problems.AssertProblemAsync(await reader.GetAsync(ecgUrl + "/rendered"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Compressed_frames_come_in_their_transfer_syntax_or_decoded_when_asked()
    {
        var rle = DicomWebSamples.Fresh(DicomWebSamples.Cr, rle: true);
        using HttpClient staff = community.ClientAs(community.TownStaff);
        await StowAsync(staff, HttpStatusCode.OK, "/studies", rle.Bytes);
        string url = $"/dicomweb/studies/{rle.Study}/series/{rle.Series}/instances/{rle.Sop}/frames/1";
        PixelData pixels = PixelData.FromFile(DicomFile.Parse(rle.Bytes));

        using (HttpResponseMessage encoded = await staff.SendAsync(Get(url, "multipart/related; type=\"image/x-dicom-rle\"; transfer-syntax=1.2.840.10008.1.2.5")))
        {
            var frame = Assert.Single(await DicomWebSamples.PartsAsync(encoded));
            Assert.StartsWith("image/x-dicom-rle", frame.ContentType, StringComparison.Ordinal);
            Assert.Equal(pixels.GetEncodedFrame(0).ToArray(), frame.Body);
        }

        using (HttpResponseMessage decoded = await staff.SendAsync(Get(url, "multipart/related; type=\"application/octet-stream\"; transfer-syntax=1.2.840.10008.1.2.1")))
        {
            var frame = Assert.Single(await DicomWebSamples.PartsAsync(decoded));
            Assert.Contains("transfer-syntax=1.2.840.10008.1.2.1", frame.ContentType, StringComparison.Ordinal);
            Assert.Equal(PixelData.FromFile(DicomFile.Open(DicomWebSamples.PathOf(DicomWebSamples.Cr))).GetFrame(0).ToArray(), frame.Body);
        }

        using HttpResponseMessage rendered = await staff.GetAsync(url + "/rendered");
        Assert.Equal("image/jpeg", rendered.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_bad_part_fails_alone_and_the_good_ones_are_stored_and_open_a_case()
    {
        var good = DicomWebSamples.Fresh(DicomWebSamples.Cr);
        var otherStudy = DicomWebSamples.Fresh(DicomWebSamples.Ecg);
        var sameStudy = DicomWebSamples.Fresh(DicomWebSamples.Ecg, study: good.Study);
        byte[] garbage = [.. Enumerable.Repeat((byte)'x', 300)];
        using HttpClient staff = community.ClientAs(community.TownStaff);
        JsonElement response = await StowAsync(staff, HttpStatusCode.Accepted, $"/studies/{good.Study}", good.Bytes, garbage, otherStudy.Bytes, sameStudy.Bytes);

        Assert.Equal([good.Sop, sameStudy.Sop], Sequence(response, "00081199").Select(r => Value(r, "00081155")!).ToArray());
        JsonElement[] failed = Sequence(response, "00081198");
        Assert.Equal(2, failed.Length);
        Assert.Equal(0xC000.ToString(), Value(failed[0], "00081197"));
        Assert.Contains("Part 10", Value(failed[0], "00000902"), StringComparison.Ordinal);
        Assert.Equal(otherStudy.Sop, Value(failed[1], "00081155"));
        Assert.Equal(0xA900.ToString(), Value(failed[1], "00081197"));
        Assert.Contains(otherStudy.Study, Value(failed[1], "00000902"), StringComparison.Ordinal);
        Assert.EndsWith($"/dicomweb/studies/{good.Study}", Value(response, "00081190"), StringComparison.Ordinal);

        // What was accepted is there; what failed is not.
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"/dicomweb/studies/{good.Study}/series/{good.Series}/instances/{good.Sop}/metadata")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/dicomweb/studies/{otherStudy.Study}/metadata")).StatusCode);

        // Through the same ingest as C-STORE: a case opens for the study at the staff's institution.
        string patient = DicomFile.Open(DicomWebSamples.PathOf(DicomWebSamples.Cr)).Dataset.GetString(Telemed.Dicom.Dictionary.DicomDictionary.GetTag("PatientID"));
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        string cases = "";
        while (DateTime.UtcNow < deadline && !cases.Contains(patient, StringComparison.Ordinal))
        {
            cases = await staff.GetStringAsync($"/api/cases?institution={community.Town}&limit=50");
            await Task.Delay(200);
        }

        Assert.Contains(patient, cases, StringComparison.Ordinal);

        // Nothing storable: 409 with every reason.
        JsonElement none = await StowAsync(staff, HttpStatusCode.Conflict, "/studies", garbage);
        Assert.Single(Sequence(none, "00081198"));
    }

    [Fact]
    public async Task A_body_that_breaks_off_inside_a_part_keeps_the_parts_before_it()
    {
        var first = DicomWebSamples.Fresh(DicomWebSamples.Cr);
        var second = DicomWebSamples.Fresh(DicomWebSamples.Cr);
        using var body = new MemoryStream();
        void Write(string text) => body.Write(System.Text.Encoding.ASCII.GetBytes(text));
        Write("--cut\r\nContent-Type: application/dicom\r\n\r\n");
        body.Write(first.Bytes);
        Write("\r\n--cut\r\nContent-Type: application/dicom\r\n\r\n");
        body.Write(second.Bytes, 0, second.Bytes.Length / 2); // no closing boundary: the upload stopped here
        var content = new ByteArrayContent(body.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=cut");

        using HttpClient staff = community.ClientAs(community.TownStaff);
        using HttpResponseMessage response = await staff.PostAsync("/dicomweb/studies", content);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {text}");
        JsonElement result = JsonDocument.Parse(text).RootElement;
        Assert.Equal([first.Sop], Sequence(result, "00081199").Select(r => Value(r, "00081155")!).ToArray());
        Assert.Contains("ended inside a part", Value(Assert.Single(Sequence(result, "00081198")), "00000902"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"/dicomweb/studies/{first.Study}/series/{first.Series}/instances/{first.Sop}/metadata")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/dicomweb/studies/{second.Study}/metadata")).StatusCode);
    }

    [Fact]
    public async Task Who_may_store_and_what_is_not_stowable()
    {
        var cr = DicomWebSamples.Fresh(DicomWebSamples.Cr);
        foreach (string user in new[] { community.Cardiologist, community.Admin, community.Auditor })
        {
            using HttpClient client = community.ClientAs(user);
            await Problems.AssertProblemAsync(await client.PostAsync("/dicomweb/studies", DicomWebSamples.Stow(cr.Bytes)), HttpStatusCode.Forbidden);
        }

        using HttpClient doctor = community.ClientAs(community.VillageDoctor);
        await StowAsync(doctor, HttpStatusCode.OK, "/studies", cr.Bytes);
        await Problems.AssertProblemAsync(await doctor.PostAsync("/dicomweb/studies", new ByteArrayContent(cr.Bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/dicom") } }),
            HttpStatusCode.UnsupportedMediaType);

        // The village's instance: the township's staff may not read it, the community's reader may; another community's may not.
        string url = $"/dicomweb/studies/{cr.Study}/series/{cr.Series}/instances/{cr.Sop}/metadata";
        using HttpClient townStaff = community.ClientAs(community.TownStaff);
        await Problems.AssertProblemAsync(await townStaff.GetAsync(url), HttpStatusCode.Forbidden);
        using HttpClient reader = community.ClientAs(community.Cardiologist);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(url)).StatusCode);
        using HttpClient stranger = host.ClientAs("b-cardiologist");
        await Problems.AssertProblemAsync(await stranger.GetAsync(url), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await reader.GetAsync($"/dicomweb/studies/{cr.Study}/series/{cr.Series}/instances/1.2.3.4/metadata"), HttpStatusCode.NotFound);
    }
}
