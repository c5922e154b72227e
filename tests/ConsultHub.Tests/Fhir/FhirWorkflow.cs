using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Tests.Api;
using Telemed.DeviceGateway.Hosting;
using Telemed.DeviceGateway.Ingest;
using Telemed.Dicom.Files;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Analysis;
using Telemed.Ecg.Signals;
using Telemed.Grains.Ingest;
using Xunit;

namespace Telemed.ConsultHub.Tests.Fhir;

/// <summary>
/// Steps the FHIR tests share: a patient registered at the township, a 12-lead ECG of that patient (the real Mortara
/// recording from pydicom's test files, rewritten under new UIDs) ingested through the gateway as a cart's C-STORE
/// would be, the case the ingest opens, and the reader's accept, draft and sign over the REST API.
/// </summary>
internal static class FhirWorkflow
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public static string SharedDicom(string relative) =>
        Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "dicom", relative));

    /// <summary>The 12-lead rhythm (10 s at 1000 Hz) of pydicom's waveform_ecg.dcm.</summary>
    public static EcgRecording RealEcg() => EcgWaveformReader.Read(DicomFile.Open(SharedDicom("pydicom/test_files/waveform_ecg.dcm")));

    public static async Task<string> RegisterPatientAsync(HttpClient staff, string localId, string name, string sex, string birthDate)
    {
        using HttpResponseMessage response = await staff.PostAsJsonAsync("/api/patients", new { localId, name, sex, birthDate });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>A DICOM 12-lead ECG object of the recording, with or without our analysis in its waveform annotations.</summary>
    public static DicomFile EcgObject(EcgRecording recording, string patientId, string patientName, EcgAnalysis? analysis = null)
    {
        string root = "2.25." + new System.Numerics.BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true);
        return EcgWaveformWriter.Create(recording, new EcgStudyInfo
        {
            PatientName = patientName,
            PatientId = patientId,
            PatientSex = "M",
            PatientBirthDate = new DateOnly(1958, 4, 1),
            AcquisitionDateTime = new DateTime(2026, 11, 27, 8, 30, 0, DateTimeKind.Unspecified),
            StudyInstanceUid = root[..Math.Min(root.Length, 60)] + ".1",
            SeriesInstanceUid = root[..Math.Min(root.Length, 60)] + ".2",
            SopInstanceUid = root[..Math.Min(root.Length, 60)] + ".3",
        }, analysis);
    }

    /// <summary>Ingests the object at the institution through the gateway's durable ingest, as a C-STORE from a cart does.</summary>
    public static async Task IngestAsync(ApiHost host, DicomFile file, string institution)
    {
        using var part10 = new MemoryStream();
        file.Write(part10, DicomTransferSyntax.ExplicitVRLittleEndian);
        byte[] bytes = part10.ToArray();
        // PS3.10 §7.1: preamble, "DICM", then (0002,0000) UL whose value is the length of the rest of the meta group.
        int metaEnd = 132 + 12 + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(140, 4));
        GatewayService gateway = host.Services.GetRequiredService<GatewayService>();
        DicomIngestResult result = await gateway.Ingest.IngestAsync(new DicomIngestRequest
        {
            SopClassUid = file.Dataset.GetUid(Telemed.Dicom.Dictionary.DicomDictionary.GetTag("SOPClassUID")),
            SopInstanceUid = file.Dataset.GetUid(Telemed.Dicom.Dictionary.DicomDictionary.GetTag("SOPInstanceUID")),
            TransferSyntaxUid = DicomTransferSyntax.ExplicitVRLittleEndian.Uid,
            SourceAeTitle = "FHIRTEST",
            InstitutionId = institution,
        }, PipeReader.Create(new MemoryStream(bytes, metaEnd, bytes.Length - metaEnd)), CancellationToken.None);
        Assert.Equal(DicomIngestResult.Success, result.Status);
    }

    /// <summary>The case the study's ingest opened (the outbox hands the event on asynchronously: poll).</summary>
    public static async Task<Guid> CaseOfStudyAsync(ApiHost host, string studyInstanceUid)
    {
        IStudyGrain study = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IStudyGrain>(studyInstanceUid);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await study.GetCaseAsync() is { } id)
            {
                return id;
            }

            Assert.True(clock.Elapsed < Timeout, $"no case opened for study {studyInstanceUid} after {Timeout}");
            await Task.Delay(100);
        }
    }

    public static async Task AcceptWhenAssignedAsync(HttpClient reader, Guid id)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string worklist = await reader.GetStringAsync("/api/worklist");
            if (worklist.Contains(id.ToString(), StringComparison.Ordinal))
            {
                break;
            }

            Assert.True(clock.Elapsed < Timeout, $"case {id} not on the worklist after {Timeout}: {worklist}");
            await Task.Delay(100);
        }

        using HttpResponseMessage accepted = await reader.PostAsync($"/api/cases/{id}/accept", null);
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
    }

    public static async Task<string> ReportETagAsync(HttpClient client, Guid id)
    {
        using HttpResponseMessage response = await client.GetAsync($"/api/cases/{id}/report");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return response.Headers.ETag!.ToString();
    }

    public static async Task SendAsync(HttpClient client, HttpMethod method, string url, object? body, string etag)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body ?? new { }) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        using HttpResponseMessage response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task<JsonElement[]> AuditAsync(HttpClient auditor, string query)
    {
        using HttpResponseMessage response = await auditor.GetAsync("/api/audit?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(e => e.Clone())];
    }
}
