using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Communities;
using Telemed.Grains.Readers;
using Telemed.Storage.Accounts;
using Telemed.ConsultHub.Tests.Api;
using Telemed.Dicom.Files;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Analysis;
using Telemed.Ecg.Measurements;
using Telemed.Ecg.Signals;
using Xunit;

namespace Telemed.ConsultHub.Tests.Fhir;

/// <summary>
/// The FHIR R4 read API on the real hub: an ECG a cart sends becomes a case; the township and the cardiologist read it
/// as ServiceRequest, ImagingStudy, DiagnosticReport (with the ECG's measurements as LOINC-coded Observations) and
/// Patient; each response parses strictly and validates against the R4 core profiles; every read is audited.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class FhirReadTests(ApiHost host)
{
    private const string PatientName = "Wang^Xiaoming=王^小明";
    private const string Loinc = "http://loinc.org";
    private const string Ucum = "http://unitsofmeasure.org";

    [Fact]
    public async System.Threading.Tasks.Task An_ingested_ECG_is_a_ServiceRequest_ImagingStudy_DiagnosticReport_with_LOINC_Observations_and_Patient()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = c.ClientAs(c.TownStaff);
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        using HttpClient auditor = c.ClientAs(c.Auditor);
        string localId = "ECG-" + c.Id;
        string patientId = await FhirWorkflow.RegisterPatientAsync(staff, localId, PatientName, "M", "1958-04-01");

        EcgRecording recording = FhirWorkflow.RealEcg();
        DicomFile ecg = FhirWorkflow.EcgObject(recording, localId, PatientName);
        string studyUid = ecg.Dataset.GetUid(Telemed.Dicom.Dictionary.DicomDictionary.GetTag("StudyInstanceUID"));
        string sopUid = ecg.Dataset.GetUid(Telemed.Dicom.Dictionary.DicomDictionary.GetTag("SOPInstanceUID"));
        await FhirWorkflow.IngestAsync(host, ecg, c.Town);
        Guid caseId = await FhirWorkflow.CaseOfStudyAsync(host, studyUid);

        // Nothing drafted yet: no report.
        await FhirTesting.AssertOutcomeAsync(await staff.GetAsync($"/fhir/DiagnosticReport/{caseId}"), HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);

        await FhirWorkflow.AcceptWhenAssignedAsync(reader, caseId);
        using JsonDocument caseJson = JsonDocument.Parse(await staff.GetStringAsync($"/api/cases/{caseId}"));
        JsonElement caseView = caseJson.RootElement;

        // The case as the township's system sees it.
        ServiceRequest request = await FhirTesting.ReadAsync<ServiceRequest>(await staff.GetAsync($"/fhir/ServiceRequest/{caseId}"));
        Assert.Equal(caseId.ToString(), request.Id);
        Assert.Equal(RequestStatus.Active, request.Status);
        Assert.Equal(RequestIntent.Order, request.Intent);
        Assert.Equal(caseView.GetProperty("priority").GetString() switch
        {
            "Stat" => RequestPriority.Stat,
            "Urgent" => RequestPriority.Urgent,
            _ => RequestPriority.Routine,
        }, request.Priority);
        Assert.Equal(("http://loinc.org", "11524-6"), (request.Code!.Coding[0].System, request.Code!.Coding[0].Code));
        Assert.Equal($"Patient/{patientId}", request.Subject.Reference);
        Assert.Equal(c.Town, request.Requester!.Identifier!.Value);
        Assert.Equal("东村镇卫生院 Dongcun Township Centre", request.Requester.Display);
        ResourceReference performer = Assert.Single(request.Performer);
        Assert.Equal((c.Cardiologist, WorkflowCommunity.CardiologistName), (performer.Identifier!.Value, performer.Display));
        Assert.Equal(caseView.GetProperty("clinicalQuestion").GetString(), Assert.Single(request.ReasonCode).Text);
        Assert.Equal($"ImagingStudy/{studyUid}", Assert.Single(request.SupportingInfo).Reference);
        Assert.Equal(caseView.GetProperty("openedAt").GetDateTimeOffset(), DateTimeOffset.Parse(request.AuthoredOn!, CultureInfo.InvariantCulture));

        // A draft is a preliminary report; the reader typed the heart rate, the rest is measured from the stored ECG.
        await FhirWorkflow.SendAsync(reader, HttpMethod.Put, $"/api/cases/{caseId}/report", new
        {
            template = "RestingEcg",
            fields = new Dictionary<string, string> { ["Rhythm"] = "窦性心律 sinus rhythm", ["Heart rate (bpm)"] = "58" },
            findings = "ST段无抬高 no ST elevation",
            impression = "正常心电图 normal ECG",
        }, await FhirWorkflow.ReportETagAsync(reader, caseId));
        DiagnosticReport draft = await FhirTesting.ReadAsync<DiagnosticReport>(await staff.GetAsync($"/fhir/DiagnosticReport/{caseId}"));
        Assert.Equal(DiagnosticReport.DiagnosticReportStatus.Preliminary, draft.Status);
        Assert.All(draft.Contained.OfType<Observation>(), o => Assert.Equal(ObservationStatus.Preliminary, o.Status));
        Assert.Empty(draft.PresentedForm);

        await FhirWorkflow.SendAsync(reader, HttpMethod.Post, $"/api/cases/{caseId}/report/sign", null, await FhirWorkflow.ReportETagAsync(reader, caseId));
        DiagnosticReport report = await FhirTesting.ReadAsync<DiagnosticReport>(await staff.GetAsync($"/fhir/DiagnosticReport/{caseId}?_format=json"));
        Assert.Equal(caseId.ToString(), report.Id);
        Assert.Equal(DiagnosticReport.DiagnosticReportStatus.Final, report.Status);
        Assert.Equal(("http://loinc.org", "11524-6", "EKG study"), (report.Code.Coding[0].System, report.Code.Coding[0].Code, report.Code.Coding[0].Display));
        Assert.Equal("EC", report.Category[0].Coding[0].Code);
        Assert.Equal($"ServiceRequest/{caseId}", Assert.Single(report.BasedOn).Reference);
        Assert.Equal($"ImagingStudy/{studyUid}", Assert.Single(report.ImagingStudy).Reference);
        Assert.Equal($"Patient/{patientId}", report.Subject!.Reference);
        Assert.Equal("正常心电图 normal ECG", report.Conclusion);
        ResourceReference interpreter = Assert.Single(report.ResultsInterpreter);
        Assert.Equal((c.Cardiologist, WorkflowCommunity.CardiologistName), (interpreter.Identifier!.Value, interpreter.Display));
        Assert.NotNull(report.Issued);
        Attachment form = Assert.Single(report.PresentedForm);
        Assert.Equal("text/html", form.ContentType!.Split(';')[0]);
        Assert.Contains("正常心电图 normal ECG", Encoding.UTF8.GetString(form.Data!), StringComparison.Ordinal);

        // The measurements: the report's heart rate, and the rest as the ECG analysis measures the stored waveform.
        RestingEcgMeasurements measured = EcgAnalyzer.Analyze(EcgWaveformReader.Read(ecg), EcgPatientContext.FromDataset(ecg.Dataset)).Measurements;
        var expected = new List<(string Loinc, decimal Value, string Unit, string Origin)> { ("8867-4", 58m, "/min", "report") };
        foreach ((string code, double? value, string unit) in new[]
        {
            ("8625-6", measured.PrMs, "ms"), ("8633-0", measured.QrsMs, "ms"), ("8634-8", measured.QtMs, "ms"),
            ("8636-3", measured.QtcBazettMs, "ms"), ("8632-2", measured.FrontalAxisDegrees, "deg"),
        })
        {
            if (value is double v)
            {
                expected.Add((code, (decimal)Math.Round(v), unit, "automatic"));
            }
        }

        Assert.True(expected.Count >= 4, "the real ECG should give at least QRS, QT and QTc");
        Observation[] observations = [.. report.Contained.OfType<Observation>()];
        Assert.Equal(expected.Select(e => e.Loinc), observations.Select(o => o.Code.Coding[0].Code));
        Assert.Equal(observations.Select(o => "#" + o.Id), report.Result.Select(r => r.Reference));
        foreach ((Observation observation, (string code, decimal value, string unit, string origin)) in observations.Zip(expected))
        {
            Assert.Equal(Loinc, observation.Code.Coding[0].System);
            Assert.Equal(ObservationStatus.Final, observation.Status);
            Assert.Equal($"Patient/{patientId}", observation.Subject!.Reference);
            Quantity quantity = Assert.IsType<Quantity>(observation.Value);
            Assert.Equal((value, Ucum, unit), (quantity.Value!.Value, quantity.System, quantity.Code));
            Assert.StartsWith(origin == "report" ? "confirmed in the report" : "automatic measurement", observation.Method!.Text, StringComparison.Ordinal);
            Assert.Equal(origin == "report" ? [] : [$"ImagingStudy/{studyUid}"], observation.DerivedFrom.Select(d => d.Reference));
        }

        // The study, with the DICOMweb endpoint to fetch it from.
        ImagingStudy study = await FhirTesting.ReadAsync<ImagingStudy>(await reader.GetAsync($"/fhir/ImagingStudy/{studyUid}"));
        Assert.Equal(studyUid, study.Id);
        Assert.Equal("urn:oid:" + studyUid, study.Identifier[0].Value);
        Assert.Equal(ImagingStudy.ImagingStudyStatus.Available, study.Status);
        Assert.Equal(("http://dicom.nema.org/resources/ontology/DCM", "ECG"), (study.Modality[0].System, study.Modality[0].Code));
        Assert.Equal((1, 1), (study.NumberOfSeries, study.NumberOfInstances));
        Assert.Equal("2026-11-27", study.Started);
        Assert.Equal($"Patient/{patientId}", study.Subject.Reference);
        Assert.Equal($"ServiceRequest/{caseId}", Assert.Single(study.BasedOn).Reference);
        ImagingStudy.InstanceComponent instance = Assert.Single(Assert.Single(study.Series).Instance);
        Assert.Equal((sopUid, "urn:oid:" + WaveformSopClasses.TwelveLeadEcg), (instance.Uid, instance.SopClass.Code));
        Endpoint endpoint = Assert.IsType<Endpoint>(Assert.Single(study.Contained));
        Assert.Equal("#" + endpoint.Id, Assert.Single(study.Endpoint).Reference);
        Assert.Equal("dicom-wado-rs", endpoint.ConnectionType.Code);
        Assert.EndsWith("/dicomweb", endpoint.Address, StringComparison.Ordinal);

        // The patient, with the township's local id and the Chinese name.
        Patient patient = await FhirTesting.ReadAsync<Patient>(await staff.GetAsync($"/fhir/Patient/{patientId}"));
        Assert.Equal(patientId, patient.Id);
        Assert.Contains(patient.Identifier, i => i.System == $"urn:telemed:institution:{c.Town}:patient" && i.Value == localId);
        Assert.Contains(patient.Identifier, i => i.System == $"urn:telemed:community:{c.Id}:patient" && i.Value == patientId);
        Assert.Equal(AdministrativeGender.Male, patient.Gender);
        Assert.Equal("1958-04-01", patient.BirthDate);
        Assert.Equal(2, patient.Name.Count);
        Assert.Equal(("Wang", "Xiaoming"), (patient.Name[0].Family, Assert.Single(patient.Name[0].Given)));
        Assert.Equal(("王", "小明", "王小明"), (patient.Name[1].Family, Assert.Single(patient.Name[1].Given), patient.Name[1].Text));

        // An amendment: the report is amended, the QTc the reader corrected comes from the report now.
        await FhirWorkflow.SendAsync(reader, HttpMethod.Post, $"/api/cases/{caseId}/report/amend", new
        {
            reason = "QTc measured by hand",
            fields = new Dictionary<string, string> { ["QTc (ms)"] = "452" },
            impression = "QTc延长 borderline long QTc",
        }, await FhirWorkflow.ReportETagAsync(reader, caseId));
        DiagnosticReport amended = await FhirTesting.ReadAsync<DiagnosticReport>(await reader.GetAsync($"/fhir/DiagnosticReport/{caseId}"));
        Assert.Equal(DiagnosticReport.DiagnosticReportStatus.Amended, amended.Status);
        Assert.Equal("QTc延长 borderline long QTc", amended.Conclusion);
        Observation qtc = amended.Contained.OfType<Observation>().Single(o => o.Code.Coding[0].Code == "8636-3");
        Assert.Equal((452m, ObservationStatus.Amended), (((Quantity)qtc.Value!).Value!.Value, qtc.Status));

        // Search: the patient's cases — the ingested one under the township's local id, and one the township opens under
        // the community-wide id — by status and page by page, as the township and as the reader.
        using HttpResponseMessage opened = await staff.PostAsJsonAsync("/api/cases", new { patientId, kind = "EcgRead", priority = "Urgent", question = "复查 follow-up ECG" });
        Assert.True(opened.StatusCode == HttpStatusCode.Created, await opened.Content.ReadAsStringAsync());
        string followUp = JsonDocument.Parse(await opened.Content.ReadAsStringAsync()).RootElement.GetProperty("caseId").GetString()!;
        foreach (HttpClient client in new[] { staff, reader })
        {
            Bundle first = await FhirTesting.ReadAsync<Bundle>(await client.GetAsync($"/fhir/ServiceRequest?patient=Patient/{patientId}&_count=1"));
            Assert.Equal((2, followUp), (first.Total, Assert.Single(first.Entry).Resource!.Id));
            string next = Assert.Single(first.Link, l => l.Relation == "next").Url!;
            Bundle second = await FhirTesting.ReadAsync<Bundle>(await client.GetAsync(next));
            Assert.Equal((2, caseId.ToString()), (second.Total, Assert.Single(second.Entry).Resource!.Id));
            Assert.DoesNotContain(second.Link, l => l.Relation == "next");
            Bundle countOnly = await FhirTesting.ReadAsync<Bundle>(await client.GetAsync($"/fhir/ServiceRequest?patient={patientId}&_count=0"));
            Assert.Equal(2, countOnly.Total);
            Assert.Empty(countOnly.Entry);

            Bundle completed = await FhirTesting.ReadAsync<Bundle>(await client.GetAsync($"/fhir/ServiceRequest?patient=Patient/{patientId}&status=completed"));
            Assert.Equal(Bundle.BundleType.Searchset, completed.Type);
            Assert.Equal(1, completed.Total);
            Bundle.EntryComponent entry = Assert.Single(completed.Entry);
            Assert.EndsWith($"/fhir/ServiceRequest/{caseId}", entry.FullUrl, StringComparison.Ordinal);
            Assert.Equal(RequestStatus.Completed, Assert.IsType<ServiceRequest>(entry.Resource).Status);
            Bundle active = await FhirTesting.ReadAsync<Bundle>(await client.GetAsync($"/fhir/ServiceRequest?patient={patientId}&status=active,revoked&_count=5"));
            Assert.Equal(1, active.Total);
            ServiceRequest open = Assert.IsType<ServiceRequest>(Assert.Single(active.Entry).Resource);
            Assert.Equal((followUp, RequestStatus.Active, RequestPriority.Urgent), (open.Id, open.Status, open.Priority));
            Assert.Equal($"Patient/{patientId}", open.Subject!.Reference);
        }

        // Every read was audited under the user who made it.
        string[] Actions(JsonElement[] entries) => [.. entries.Where(e => e.GetProperty("outcome").GetString() == "ok")
            .Select(e => e.GetProperty("action").GetString()!).Where(a => a.StartsWith("fhir.", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal)];
        Assert.Equal(["fhir.diagnosticreport.read", "fhir.patient.read", "fhir.servicerequest.read", "fhir.servicerequest.search"],
            Actions(await FhirWorkflow.AuditAsync(auditor, $"user={c.TownStaff}&limit=1000")));
        Assert.Equal(["fhir.diagnosticreport.read", "fhir.imagingstudy.read", "fhir.servicerequest.search"],
            Actions(await FhirWorkflow.AuditAsync(auditor, $"user={c.Cardiologist}&limit=1000")));
        JsonElement[] reportReads = [.. (await FhirWorkflow.AuditAsync(auditor, $"patient={localId}&limit=1000"))
            .Where(e => e.GetProperty("action").GetString() == "fhir.diagnosticreport.read")];
        Assert.Contains(reportReads, e => e.GetProperty("resource").GetString() == $"case/{caseId}/report" && e.GetProperty("outcome").GetString() == "not-found");
        Assert.Equal(3, reportReads.Count(e => e.GetProperty("outcome").GetString() == "ok"));
    }

    [Fact]
    public void The_checks_these_tests_rely_on_refuse_what_R4_forbids()
    {
        // Strict parsing: an element R4 does not define.
        Assert.ThrowsAny<Exception>(() => FhirTesting.Parse<Patient>("{\"resourceType\":\"Patient\",\"id\":\"p\",\"nickname\":\"x\"}"));
        // Validation: an Observation without its required status and code, and a Quantity whose unit says nothing.
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => FhirTesting.AssertValid(new Observation { Id = "o" }));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => FhirTesting.AssertValid(new Observation
        {
            Id = "o",
            Status = ObservationStatus.Final,
            Code = new CodeableConcept(Loinc, "8867-4"),
            Value = new Quantity { Value = 60, Code = "/min" },
        }));
        FhirTesting.AssertValid(new Observation
        {
            Id = "o",
            Status = ObservationStatus.Final,
            Code = new CodeableConcept(Loinc, "8867-4"),
            Value = new Quantity(60, "/min", Ucum),
        });
    }

    [Fact]
    public async System.Threading.Tasks.Task Measurements_stored_in_the_ECG_object_are_used_when_the_report_has_none()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient doctor = c.ClientAs(c.VillageDoctor);
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        string localId = "ANN-" + c.Id;
        EcgRecording recording = FhirWorkflow.RealEcg();
        EcgAnalysis analysis = EcgAnalyzer.Analyze(recording);
        DicomFile ecg = FhirWorkflow.EcgObject(recording, localId, "Li^Na=李^娜", analysis);
        await FhirWorkflow.IngestAsync(host, ecg, c.Village);
        Guid caseId = await FhirWorkflow.CaseOfStudyAsync(host, ecg.Dataset.GetUid(Telemed.Dicom.Dictionary.DicomDictionary.GetTag("StudyInstanceUID")));
        await FhirWorkflow.AcceptWhenAssignedAsync(reader, caseId);
        await FhirWorkflow.SendAsync(reader, HttpMethod.Put, $"/api/cases/{caseId}/report", new { template = "RestingEcg", impression = "pending" },
            await FhirWorkflow.ReportETagAsync(reader, caseId));

        DiagnosticReport report = await FhirTesting.ReadAsync<DiagnosticReport>(await doctor.GetAsync($"/fhir/DiagnosticReport/{caseId}"));
        Assert.Equal(DiagnosticReport.DiagnosticReportStatus.Preliminary, report.Status);
        // Not a registered patient: a logical reference by the village's local id.
        Assert.Null(report.Subject!.Reference);
        Assert.Equal(($"urn:telemed:institution:{c.Village}:patient", localId), (report.Subject!.Identifier!.System, report.Subject.Identifier.Value));
        Observation[] observations = [.. report.Contained.OfType<Observation>()];
        RestingEcgMeasurements m = analysis.Measurements;
        (string Code, double? Value)[] expected =
        [
            ("8867-4", m.HeartRateBpm), ("8625-6", m.PrMs), ("8633-0", m.QrsMs), ("8634-8", m.QtMs), ("8636-3", m.QtcBazettMs), ("8632-2", m.FrontalAxisDegrees),
        ];
        Assert.Equal(expected.Where(e => e.Value is not null).Select(e => e.Code), observations.Select(o => o.Code.Coding[0].Code));
        foreach (Observation observation in observations)
        {
            double value = expected.Single(e => e.Code == observation.Code.Coding[0].Code).Value!.Value;
            Assert.Equal((decimal)Math.Round(value), ((Quantity)observation.Value!).Value);
            Assert.StartsWith("measurement stored with the DICOM ECG", observation.Method!.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async System.Threading.Tasks.Task A_CT_a_radiologist_reports_is_a_diagnostic_imaging_study_report_without_measurements()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        string radiologist = c.Id + "-rad";
        IGrainFactory grains = host.Services.GetRequiredService<IGrainFactory>();
        UserDirectory users = host.Services.GetRequiredService<UserDirectory>();
        await grains.GetGrain<ICommunityGrain>(c.Id).EnrolReaderAsync(new ReaderEnrolment(radiologist, "李医生 Dr Li", c.County, [Specialty.Radiology]));
        Assert.True(await users.CreateAsync(new NewUser(radiologist, "李医生 Dr Li", UserRole.Radiologist, c.Id, c.County, ApiHost.Password)));
        await grains.GetGrain<IReaderGrain>(radiologist).StartDutyAsync();
        using HttpClient reader = host.CreateClient(new() { HandleCookies = false });
        reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await users.IssueTokenAsync(radiologist, "tests", radiologist)).Secret);
        using HttpClient doctor = c.ClientAs(c.VillageDoctor);

        // pydicom's CT_small.dcm, as a village's scanner would send it.
        DicomFile ct = DicomFile.Open(FhirWorkflow.SharedDicom("pydicom/test_files/CT_small.dcm"));
        string Text(string keyword) => ct.Dataset.GetString(Telemed.Dicom.Dictionary.DicomDictionary.GetTag(keyword)).Trim();
        string studyUid = Text("StudyInstanceUID");
        await FhirWorkflow.IngestAsync(host, ct, c.Village);
        Guid caseId = await FhirWorkflow.CaseOfStudyAsync(host, studyUid);
        await FhirWorkflow.AcceptWhenAssignedAsync(reader, caseId);
        await FhirWorkflow.SendAsync(reader, HttpMethod.Put, $"/api/cases/{caseId}/report", new
        {
            template = "ChestXray",
            fields = new Dictionary<string, string> { ["Lungs"] = "clear" },
            impression = "无急性改变 no acute findings",
        }, await FhirWorkflow.ReportETagAsync(reader, caseId));
        await FhirWorkflow.SendAsync(reader, HttpMethod.Post, $"/api/cases/{caseId}/report/sign", null, await FhirWorkflow.ReportETagAsync(reader, caseId));

        ServiceRequest request = await FhirTesting.ReadAsync<ServiceRequest>(await doctor.GetAsync($"/fhir/ServiceRequest/{caseId}"));
        Assert.Equal(("18748-4", RequestStatus.Completed), (request.Code!.Coding[0].Code, request.Status));
        Assert.Equal((radiologist, "李医生 Dr Li"), (Assert.Single(request.Performer).Identifier!.Value, request.Performer[0].Display));

        DiagnosticReport report = await FhirTesting.ReadAsync<DiagnosticReport>(await doctor.GetAsync($"/fhir/DiagnosticReport/{caseId}"));
        Assert.Equal(("18748-4", "Diagnostic imaging study", "RAD"), (report.Code.Coding[0].Code, report.Code.Coding[0].Display, report.Category[0].Coding[0].Code));
        Assert.Equal(DiagnosticReport.DiagnosticReportStatus.Final, report.Status);
        Assert.Equal("无急性改变 no acute findings", report.Conclusion);
        Assert.Equal(radiologist, Assert.Single(report.ResultsInterpreter).Identifier!.Value);
        Assert.Empty(report.Contained);
        Assert.Empty(report.Result);

        ImagingStudy study = await FhirTesting.ReadAsync<ImagingStudy>(await doctor.GetAsync($"/fhir/ImagingStudy/{studyUid}"));
        Assert.Equal("CT", Assert.Single(study.Modality).Code);
        ImagingStudy.SeriesComponent series = Assert.Single(study.Series);
        Assert.Equal((Text("SeriesInstanceUID"), "CT"), (series.Uid, series.Modality.Code));
        ImagingStudy.InstanceComponent instance = Assert.Single(series.Instance);
        Assert.Equal((Text("SOPInstanceUID"), "urn:oid:" + Text("SOPClassUID")), (instance.Uid, instance.SopClass.Code));
        string date = Text("StudyDate");
        Assert.Equal($"{date[..4]}-{date[4..6]}-{date[6..]}", study.Started);
        // Nobody registered the patient: a logical reference by the village's local id, named as the scanner named it.
        Assert.Null(study.Subject.Reference);
        Assert.Equal(($"urn:telemed:institution:{c.Village}:patient", Text("PatientID"), Text("PatientName")),
            (study.Subject.Identifier!.System, study.Subject.Identifier.Value, study.Subject.Display));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_stat_imaging_request_waiting_in_the_pool_and_its_cancellation()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = c.ClientAs(c.TownStaff);
        using HttpResponseMessage opened = await staff.PostAsJsonAsync("/api/cases", new
        {
            patientId = "IMG-" + c.Id, kind = "ImagingRead", priority = "Stat", question = "外伤后胸痛 chest pain after a fall: rib fracture?",
        });
        Assert.True(opened.StatusCode == HttpStatusCode.Created, await opened.Content.ReadAsStringAsync());
        Guid caseId = JsonDocument.Parse(await opened.Content.ReadAsStringAsync()).RootElement.GetProperty("caseId").GetGuid();

        ServiceRequest request = await FhirTesting.ReadAsync<ServiceRequest>(await staff.GetAsync($"/fhir/ServiceRequest/{caseId}"));
        Assert.Equal(RequestPriority.Stat, request.Priority);
        Assert.Equal("18748-4", request.Code!.Coding[0].Code);
        Assert.Equal("外伤后胸痛 chest pain after a fall: rib fracture?", request.ReasonCode[0].Text);
        // No radiologist in the community: the request waits for the pool.
        ResourceReference pool = Assert.Single(request.Performer);
        Assert.Equal(("CareTeam", "urn:telemed:routing-pool", $"{c.Id}/Radiology"), (pool.Type, pool.Identifier!.System, pool.Identifier.Value));
        Assert.Equal("IMG-" + c.Id, request.Subject!.Identifier!.Value);
        await FhirTesting.AssertOutcomeAsync(await staff.GetAsync($"/fhir/DiagnosticReport/{caseId}"), HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);

        using HttpResponseMessage cancelled = await staff.PostAsJsonAsync($"/api/cases/{caseId}/cancel", new { reason = "patient transferred" });
        Assert.True(cancelled.StatusCode == HttpStatusCode.OK, await cancelled.Content.ReadAsStringAsync());
        Assert.Equal(RequestStatus.Revoked, (await FhirTesting.ReadAsync<ServiceRequest>(await staff.GetAsync($"/fhir/ServiceRequest/{caseId}"))).Status);
    }

    [Fact]
    public async System.Threading.Tasks.Task Errors_are_OperationOutcomes_and_refused_reads_are_audited_for_the_data_owner()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = c.ClientAs(c.TownStaff);
        using HttpClient admin = c.ClientAs(c.Admin);
        using HttpClient auditor = c.ClientAs(c.Auditor);
        using HttpClient outsider = host.ClientAs("b-cardiologist");
        using HttpResponseMessage opened = await staff.PostAsJsonAsync("/api/cases", new { patientId = "ERR-" + c.Id, kind = "EcgRead", priority = "Routine", question = "palpitations" });
        Guid caseId = JsonDocument.Parse(await opened.Content.ReadAsStringAsync()).RootElement.GetProperty("caseId").GetGuid();

        await FhirTesting.AssertOutcomeAsync(await staff.GetAsync($"/fhir/ServiceRequest/{Guid.NewGuid()}"), HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
        await FhirTesting.AssertOutcomeAsync(await staff.GetAsync("/fhir/ServiceRequest/not-a-case"), HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
        await FhirTesting.AssertOutcomeAsync(await staff.GetAsync("/fhir/ImagingStudy/1.2.3.4.5.6.7.8.9"), HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
        await FhirTesting.AssertOutcomeAsync(await staff.GetAsync("/fhir/ImagingStudy/not_an_id!"), HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid);
        await FhirTesting.AssertOutcomeAsync(await staff.GetAsync("/fhir/Patient/P0000000000000000"), HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
        await FhirTesting.AssertOutcomeAsync(await staff.GetAsync("/fhir/Observation/heart-rate"), HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound);
        await FhirTesting.AssertOutcomeAsync(await staff.GetAsync("/fhir/ServiceRequest?_count=-1"), HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid);
        await FhirTesting.AssertOutcomeAsync(await staff.GetAsync("/fhir/ServiceRequest?_count=10&_offset=495"), HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid);
        await FhirTesting.AssertOutcomeAsync(await staff.GetAsync("/fhir/ServiceRequest?status=finished"), HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid);
        await FhirTesting.AssertOutcomeAsync(await staff.GetAsync($"/fhir/ServiceRequest/{caseId}?_format=xml"), HttpStatusCode.NotAcceptable, OperationOutcome.IssueType.NotSupported);
        using (var xml = new HttpRequestMessage(HttpMethod.Get, $"/fhir/ServiceRequest/{caseId}"))
        {
            xml.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+xml"));
            await FhirTesting.AssertOutcomeAsync(await staff.SendAsync(xml), HttpStatusCode.NotAcceptable, OperationOutcome.IssueType.NotSupported);
        }

        // Administrators read no patient data; a reader of another community reads nothing of this one.
        await FhirTesting.AssertOutcomeAsync(await admin.GetAsync("/fhir/ServiceRequest"), HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden);
        await FhirTesting.AssertOutcomeAsync(await admin.GetAsync($"/fhir/ServiceRequest/{caseId}"), HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden);
        await FhirTesting.AssertOutcomeAsync(await outsider.GetAsync($"/fhir/ServiceRequest/{caseId}"), HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden);
        JsonElement[] attempts = await FhirWorkflow.AuditAsync(auditor, $"user=b-cardiologist&limit=1000");
        JsonElement attempt = Assert.Single(attempts, e => e.GetProperty("resource").GetString() == $"case/{caseId}");
        Assert.Equal(("fhir.servicerequest.read", "denied", "ERR-" + c.Id),
            (attempt.GetProperty("action").GetString(), attempt.GetProperty("outcome").GetString(), attempt.GetProperty("patientId").GetString()));
        Assert.Contains(await FhirWorkflow.AuditAsync(auditor, $"user={c.Admin}&limit=1000"),
            e => e.GetProperty("action").GetString() == "fhir.servicerequest.search" && e.GetProperty("outcome").GetString() == "denied");

        // Signing in is as for /api; the CapabilityStatement is public.
        using HttpClient anonymous = host.CreateClient(new() { HandleCookies = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/fhir/ServiceRequest/{caseId}")).StatusCode);
        CapabilityStatement capabilities = await FhirTesting.ReadAsync<CapabilityStatement>(await anonymous.GetAsync("/fhir/metadata"));
        Assert.Equal(FHIRVersion.N4_0_1, capabilities.FhirVersion);
        Assert.Contains("application/fhir+json", capabilities.Format);
        CapabilityStatement.RestComponent rest = Assert.Single(capabilities.Rest);
        Assert.Equal(["DiagnosticReport", "ImagingStudy", "Patient", "ServiceRequest"], rest.Resource.Select(r => r.Type).Order(StringComparer.Ordinal));
        Assert.Equal(["_count", "_offset", "patient", "status"], rest.Resource.Single(r => r.Type == "ServiceRequest").SearchParam.Select(p => p.Name).Order(StringComparer.Ordinal));
    }
}
