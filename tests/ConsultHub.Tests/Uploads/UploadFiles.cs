using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Aecg;
using Telemed.Ecg.Formats;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.ScpEcg;
using Telemed.Ecg.Signals;
using Xunit;

namespace Telemed.ConsultHub.Tests.Uploads;

/// <summary>
/// Upload fixtures and the client side of the protocol for tests. Generated files: the 12-lead sample ECG of
/// samples/dicom written by our writers as SCP-ECG (Huffman-coded, and with the reference beat subtracted), HL7 aECG and
/// a new DICOM 12-lead object, and MIT-BIH record 100 zipped as WFDB; real files: ../shared/dicom and ../shared/ecg/formats.
/// </summary>
internal static class UploadFiles
{
    public static string Shared { get; } = Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared"));

    public static string SampleEcg { get; } = Path.Combine(RepositoryPaths.Root, "samples", "dicom", "ecg-normal-sinus-gb18030.dcm");

    /// <summary>Real ECG files as carts and other software wrote them.</summary>
    public static IEnumerable<string> RealEcgFiles() =>
    [
        .. Directory.EnumerateFiles(Path.Combine(Shared, "ecg", "formats"), "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".md", StringComparison.Ordinal) && !f.EndsWith(".tsv", StringComparison.Ordinal)).Order(StringComparer.Ordinal),
        Path.Combine(Shared, "dicom", "ecg", "ECGToolkit", "Example.dcm"),
        Path.Combine(Shared, "dicom", "ecg", "ecg-dicom-web-viewer", "test_ecg.dcm"),
        Path.Combine(Shared, "dicom", "pydicom", "test_files", "waveform_ecg.dcm"),
        Path.Combine(Shared, "dicom", "dicomParser", "deflate", "wave_dfl"),
    ];

    public static EcgRecording SampleRecording() => EcgWaveformReader.Read(DicomFile.Open(SampleEcg), "sample");

    public static EcgMetadata SampleMetadata(string patientId) => new()
    {
        PatientId = patientId,
        FamilyName = "Zhang",
        GivenName = "San",
        Sex = Sex.Male,
        AgeYears = 58,
        AcquisitionTime = new DateTime(2026, 11, 27, 8, 30, 0),
        Device = "test cart",
    };

    /// <summary>Writes the generated fixture <paramref name="kind"/> into <paramref name="folder"/> and returns its path.</summary>
    public static string Generate(string kind, string folder, string patientId)
    {
        Directory.CreateDirectory(folder);
        EcgRecording recording = SampleRecording();
        EcgMetadata metadata = SampleMetadata(patientId);
        string path;
        switch (kind)
        {
            case "scp":
                path = Path.Combine(folder, "generated.scp");
                ScpEcgWriter.Write(path, recording, metadata);
                break;
            case "scp-reference-beat":
                path = Path.Combine(folder, "generated-rbs.scp");
                ScpEcgWriter.Write(path, recording, metadata, new ScpEcgWriterOptions { SubtractReferenceBeat = true });
                break;
            case "aecg":
                path = Path.Combine(folder, "generated-aecg.xml");
                AecgWriter.Write(path, recording, metadata);
                break;
            case "dicom":
                path = Path.Combine(folder, "generated-ecg.dcm");
                EcgWaveformWriter.Create(recording, new EcgStudyInfo
                {
                    PatientName = "Li^Si=李^四",
                    PatientId = patientId,
                    AcquisitionDateTime = new DateTime(2026, 11, 27, 9, 0, 0),
                    StudyInstanceUid = DicomUids.Create(),
                    SeriesInstanceUid = DicomUids.Create(),
                    SopInstanceUid = DicomUids.Create(),
                }).Save(path);
                break;
            case "wfdb-zip":
                path = Path.Combine(folder, "mitdb-100.zip");
                using (ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Create))
                {
                    zip.CreateEntryFromFile(Path.Combine(Shared, "ecg", "mitdb", "100.hea"), "100.hea");
                    zip.CreateEntryFromFile(Path.Combine(Shared, "ecg", "mitdb", "100.dat"), "100.dat");
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }

        return path;
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>POST /api/uploads for the bytes; returns the upload id.</summary>
    public static async Task<string> CreateAsync(HttpClient client, string fileName, byte[] bytes, string? patientId = null)
    {
        using HttpResponseMessage created = await client.PostAsJsonAsync("/api/uploads", new { fileName, length = bytes.LongLength, sha256 = Sha256(bytes), patientId });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        Assert.Equal("0", Assert.Single(created.Headers.GetValues("Upload-Offset")));
        string id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("uploadId").GetString()!;
        Assert.Equal($"/api/uploads/{id}", created.Headers.Location?.OriginalString);
        return id;
    }

    public static HttpRequestMessage Patch(string id, long offset, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/uploads/{id}") { Content = content };
        content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        request.Headers.Add("Upload-Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return request;
    }

    /// <summary>Uploads the whole file in one PATCH and returns the final view (state Stored or Failed).</summary>
    public static async Task<JsonElement> UploadAsync(HttpClient client, string path, string? patientId = null)
    {
        byte[] bytes = await File.ReadAllBytesAsync(path);
        string id = await CreateAsync(client, Path.GetFileName(path), bytes, patientId);
        using HttpRequestMessage patch = Patch(id, 0, new ByteArrayContent(bytes));
        using HttpResponseMessage response = await client.SendAsync(patch);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<long> OffsetAsync(HttpClient client, string id)
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, $"/api/uploads/{id}");
        using HttpResponseMessage response = await client.SendAsync(head);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return long.Parse(Assert.Single(response.Headers.GetValues("Upload-Offset")), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Polls GET /api/uploads/{id} until the case the study grain opened is known.</summary>
    public static async Task<Guid> CaseOfAsync(HttpClient client, string id)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            JsonElement view = await client.GetFromJsonAsync<JsonElement>($"/api/uploads/{id}");
            if (view.GetProperty("caseId").ValueKind == JsonValueKind.String)
            {
                return view.GetProperty("caseId").GetGuid();
            }
        }

        throw new TimeoutException($"upload {id} got no case");
    }
}
