using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Tests.Fhir;
using Telemed.Grains.Cases;
using Telemed.Grains.Reports;
using Telemed.Storage.Accounts;
using Telemed.Storage.Catalog;
using Xunit;
using R4 = Hl7.Fhir.Model;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>
/// The FHIR rows of the matrix (/fhir). The rules restated, the same as for the REST reads of the same data: a case
/// (ServiceRequest), its report (DiagnosticReport) and a study (ImagingStudy) are read by the requesting institution's
/// staff and by the community's readers; a patient by staff of an institution that knows it and by the community's
/// readers, admins and auditors; the case search is for staff and readers, and finds a case only where its read is
/// allowed. Refusals are 403 OperationOutcomes.
/// </summary>
public sealed partial class AuthorizationMatrixTests
{
    public enum FhirEndpoint
    {
        ReadServiceRequest,
        SearchServiceRequests,
        ReadDiagnosticReport,
        ReadImagingStudy,
        ReadPatient,
    }

    private static bool CanReadCaseData(UserRole role, Target target) =>
        (role is UserRole.VillageDoctor or UserRole.TownshipStaff && target == Target.OwnInstitution)
        || (role is UserRole.Cardiologist or UserRole.Radiologist && target != Target.OtherCommunity);

    private static bool FhirAllowed(UserRole role, Target target, FhirEndpoint endpoint) => endpoint switch
    {
        FhirEndpoint.ReadServiceRequest or FhirEndpoint.ReadDiagnosticReport or FhirEndpoint.ReadImagingStudy => CanReadCaseData(role, target),
        FhirEndpoint.SearchServiceRequests => role is UserRole.VillageDoctor or UserRole.TownshipStaff or UserRole.Cardiologist or UserRole.Radiologist,
        FhirEndpoint.ReadPatient => role is UserRole.VillageDoctor or UserRole.TownshipStaff ? target == Target.OwnInstitution : target != Target.OtherCommunity,
        _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
    };

    public static TheoryData<UserRole, Target, FhirEndpoint> FhirMatrix()
    {
        var data = new TheoryData<UserRole, Target, FhirEndpoint>();
        foreach (UserRole role in Enum.GetValues<UserRole>())
        {
            foreach (Target target in Enum.GetValues<Target>())
            {
                foreach (FhirEndpoint endpoint in Enum.GetValues<FhirEndpoint>())
                {
                    data.Add(role, target, endpoint);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FhirMatrix))]
    public async Task Role_target_fhir_endpoint(UserRole role, Target target, FhirEndpoint endpoint)
    {
        string institution = InstitutionFor(role, target);
        string patient = await PatientAtAsync(institution, ApiHost.PatientAt(institution));
        Guid caseId = endpoint == FhirEndpoint.ReadDiagnosticReport ? await ReportedCaseAtAsync(institution) : host.CaseAt[institution];
        using HttpClient client = host.ClientAs(ApiHost.UserOf(role));
        using HttpResponseMessage response = endpoint switch
        {
            FhirEndpoint.ReadServiceRequest => await client.GetAsync($"/fhir/ServiceRequest/{caseId}"),
            FhirEndpoint.SearchServiceRequests => await client.GetAsync($"/fhir/ServiceRequest?patient=Patient/{patient}&_count=100"),
            FhirEndpoint.ReadDiagnosticReport => await client.GetAsync($"/fhir/DiagnosticReport/{caseId}"),
            FhirEndpoint.ReadImagingStudy => await client.GetAsync($"/fhir/ImagingStudy/{await StudyAtAsync(institution)}"),
            FhirEndpoint.ReadPatient => await client.GetAsync($"/fhir/Patient/{patient}"),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
        };

        if (!FhirAllowed(role, target, endpoint))
        {
            await FhirTesting.AssertOutcomeAsync(response, HttpStatusCode.Forbidden, R4.OperationOutcome.IssueType.Forbidden);
            return;
        }

        switch (endpoint)
        {
            case FhirEndpoint.ReadServiceRequest:
                Assert.Equal(caseId.ToString(), (await FhirTesting.ReadAsync<R4.ServiceRequest>(response)).Id);
                break;
            case FhirEndpoint.ReadDiagnosticReport:
                R4.DiagnosticReport report = await FhirTesting.ReadAsync<R4.DiagnosticReport>(response);
                Assert.Equal((caseId.ToString(), R4.DiagnosticReport.DiagnosticReportStatus.Final), (report.Id, report.Status));
                break;
            case FhirEndpoint.ReadImagingStudy:
                Assert.Equal(await StudyAtAsync(institution), (await FhirTesting.ReadAsync<R4.ImagingStudy>(response)).Id);
                break;
            case FhirEndpoint.ReadPatient:
                Assert.Equal(patient, (await FhirTesting.ReadAsync<R4.Patient>(response)).Id);
                break;
            case FhirEndpoint.SearchServiceRequests:
                // Allowed for every staff member and reader; the institution's case is among the results only where
                // reading it is (the patient's cases at another institution or community are outside the caller's scope).
                R4.Bundle bundle = await FhirTesting.ReadAsync<R4.Bundle>(response);
                Assert.Equal(CanReadCaseData(role, target), bundle.Entry.Any(e => e.Resource?.Id == caseId.ToString()));
                break;
            default:
                break;
        }
    }

    private async Task<string> StudyAtAsync(string institution)
    {
        await using CatalogDbContext catalog = host.Services.GetRequiredService<Func<CatalogDbContext>>()();
        return await catalog.Instances.Where(i => i.InstitutionId == institution && i.PatientId == ApiHost.PatientAt(institution))
            .Select(i => i.StudyInstanceUid).FirstAsync();
    }

    /// <summary>
    /// A case of the institution with a signed report, made once per hub on the grains (its community's cardiologist
    /// assigned, accepting and signing); its own patient id, so no other row's expectations about the fixture cases change.
    /// </summary>
    private async Task<Guid> ReportedCaseAtAsync(string institution)
    {
        Guid id = new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(host.DataDirectory + "/fhir-report/" + institution)).AsSpan(0, 16));
        IGrainFactory grains = host.Services.GetRequiredService<IGrainFactory>();
        ICaseGrain grain = grains.GetGrain<ICaseGrain>(id);
        try
        {
            if ((await grain.GetAsync()).Status == CaseStatus.Signed)
            {
                return id;
            }
        }
        catch (KeyNotFoundException)
        {
            string community = CommunityOf(institution);
            await grain.OpenAsync(new CaseRequest(community, CaseKind.EcgRead, CasePriority.Routine, "FHIR matrix report", institution, "test", "FHIR-" + institution));
        }

        string reader = CommunityOf(institution) == ApiHost.CommunityA ? ApiHost.UserOf(UserRole.Cardiologist) : "b-cardiologist";
        CaseView view = await grain.GetAsync();
        if (view.Status == CaseStatus.New)
        {
            await grain.AssignAsync(reader, view.CommunityId, "FHIR matrix");
        }

        if ((await grain.GetAsync()).Status == CaseStatus.Assigned)
        {
            await grain.AcceptAsync(reader);
        }

        IReportGrain report = grains.GetGrain<IReportGrain>(id);
        if ((await report.GetAsync()).Versions.Count == 0)
        {
            ReportContent draft = await report.StartAsync(ReportTemplateKind.RestingEcg);
            await report.SaveDraftAsync(reader, draft with { Impression = "matrix" });
            await report.SignAsync(reader);
        }

        return id;
    }
}
