using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Telemed.Grains.Referrals;
using Telemed.Storage.Accounts;
using Telemed.Storage.Patients;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>
/// Each role × target (the caller's own institution, another institution of their community, an institution of another
/// community) × endpoint → allowed or refused with 403 problem details. The expectations restate the issue's rules
/// here, independently of AccessScope: staff see their institution; readers their community; admins manage their
/// community but read no patient data; auditors only the audit log; nobody crosses communities.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class AuthorizationMatrixTests(ApiHost host)
{
    public enum Target
    {
        OwnInstitution,
        OtherInstitution,
        OtherCommunity,
    }

    public enum Endpoint
    {
        ListStudies,
        ReadCase,
        ReadReport,
        PrintReport,
        ShowInstitution,
        ListCommunityInstitutions,
        CreateUser,
        ListUsers,
        ReadAudit,
        VerifyAudit,
        Worklist,
        ListCases,
        Dashboard,
        RegisterPatient,
        SearchPatients,
        ReadPatient,
        UpdatePatient,
        LinkPatientIdentifier,
        MergePatient,
        OpenReferral,
        ListReferrals,
        ReadReferral,
        AcceptReferral,
        DicomWebSearch,
        DicomWebRetrieve,
        DicomWebStore,
    }

    private static bool Allowed(UserRole role, Target target, Endpoint endpoint)
    {
        bool staff = role is UserRole.VillageDoctor or UserRole.TownshipStaff;
        bool reader = role is UserRole.Cardiologist or UserRole.Radiologist;
        bool inCommunity = target != Target.OtherCommunity;
        return endpoint switch
        {
            Endpoint.ListStudies or Endpoint.ReadCase or Endpoint.ReadReport or Endpoint.PrintReport => (staff && target == Target.OwnInstitution) || (reader && inCommunity),
            Endpoint.ShowInstitution => staff ? target == Target.OwnInstitution : inCommunity,
            Endpoint.ListCommunityInstitutions => inCommunity, // staff get 200 with only their own institution
            Endpoint.CreateUser => role == UserRole.CommunityAdmin && inCommunity,
            Endpoint.ListUsers => role == UserRole.CommunityAdmin && inCommunity,
            Endpoint.ReadAudit or Endpoint.VerifyAudit => role == UserRole.Auditor && inCommunity,
            Endpoint.Worklist => reader,
            // Admins and auditors list their community's cases without patient data; the dashboard is aggregates only.
            Endpoint.ListCases or Endpoint.Dashboard => staff ? target == Target.OwnInstitution : inCommunity,
            // Patients: staff those of their institution, readers/admins/auditors their community's; staff and admins
            // register and link at their own institution; staff (of a linked institution) and admins edit.
            Endpoint.RegisterPatient => staff || role == UserRole.CommunityAdmin,
            Endpoint.SearchPatients or Endpoint.ReadPatient => staff ? target == Target.OwnInstitution : inCommunity,
            Endpoint.UpdatePatient => (staff && target == Target.OwnInstitution) || (role == UserRole.CommunityAdmin && inCommunity),
            Endpoint.LinkPatientIdentifier => (staff || role == UserRole.CommunityAdmin) && inCommunity,
            Endpoint.MergePatient => role == UserRole.CommunityAdmin && inCommunity,
            // Referrals: opened by the case's institution (here its staff: no case of the fixture is assigned); seen by
            // the two institutions' people and their community's admins and auditors; answered by the receiving side.
            Endpoint.OpenReferral => staff && target == Target.OwnInstitution,
            Endpoint.ListReferrals => role is UserRole.CommunityAdmin or UserRole.Auditor ? inCommunity : target == Target.OwnInstitution,
            Endpoint.ReadReferral => AtEitherEnd(role, target) || (role is UserRole.CommunityAdmin or UserRole.Auditor && inCommunity),
            Endpoint.AcceptReferral => role != UserRole.Auditor
                && (ApiHost.InstitutionOf(role) == ReferredTo(InstitutionFor(role, target)) || (role == UserRole.CommunityAdmin && inCommunity)),
            // DICOMweb: the scope of /api/studies; a search outside it finds nothing (below), a retrieve is refused.
            // Storing is for staff, always for their own institution (DicomWebScope.CanStoreAsync).
            Endpoint.DicomWebSearch or Endpoint.DicomWebRetrieve => (staff && target == Target.OwnInstitution) || (reader && inCommunity),
            Endpoint.DicomWebStore => staff,
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
        };
    }

    /// <summary>An instance with real bytes at the institution (blob and catalog row); its WADO-RS metadata URL.</summary>
    private async Task<string> DicomMetadataUrlAtAsync(string institution)
    {
        var sample = Telemed.ConsultHub.Tests.DicomWeb.DicomWebSamples.Fresh(Telemed.ConsultHub.Tests.DicomWeb.DicomWebSamples.Cr);
        var blob = await host.Services.GetRequiredService<Telemed.DeviceGateway.Hosting.GatewayService>().Blobs.StoreAsync(sample.Bytes);
        await using Telemed.Storage.Catalog.CatalogDbContext catalog = host.Services.GetRequiredService<Func<Telemed.Storage.Catalog.CatalogDbContext>>()();
        catalog.Instances.Add(new Telemed.Storage.Catalog.StoredInstance
        {
            SopInstanceUid = sample.Sop,
            SopClassUid = "1.2.840.10008.5.1.4.1.1.1",
            StudyInstanceUid = sample.Study,
            SeriesInstanceUid = sample.Series,
            TransferSyntaxUid = "1.2.840.10008.1.2.1",
            PatientId = ApiHost.PatientAt(institution),
            BlobHash = blob.Hash.Hex,
            Length = blob.Length,
            Version = 1,
            Rows = 512,
            Columns = 512,
            BitsAllocated = 16,
            ReceivedAtUtc = DateTime.UtcNow,
            InstitutionId = institution,
        });
        await catalog.SaveChangesAsync();
        return $"/dicomweb/studies/{sample.Study}/series/{sample.Series}/instances/{sample.Sop}/metadata";
    }

    /// <summary>
    /// Where the fixture's referral from each institution goes. The township's goes down to the village, so that the
    /// county's readers, admin and auditor have one referral in their community they are no side of.
    /// </summary>
    private static string ReferredTo(string institution) => institution switch
    {
        ApiHost.VillageA => ApiHost.TownA,
        ApiHost.TownA => ApiHost.VillageA,
        ApiHost.CountyA => ApiHost.TownA,
        ApiHost.TownB => ApiHost.CountyB,
        _ => throw new ArgumentOutOfRangeException(nameof(institution)),
    };

    private static bool AtEitherEnd(UserRole role, Target target)
    {
        string from = InstitutionFor(role, target);
        return ApiHost.InstitutionOf(role) == from || ApiHost.InstitutionOf(role) == ReferredTo(from);
    }

    private static string CommunityOf(string institution) => institution.StartsWith("a-", StringComparison.Ordinal) ? ApiHost.CommunityA : ApiHost.CommunityB;

    /// <summary>A patient with a local id at the institution (registered on first use; the same one afterwards).</summary>
    private async Task<string> PatientAtAsync(string institution, string localId) =>
        (await host.Services.GetRequiredService<PatientDirectory>().ResolveAsync(
            CommunityOf(institution), institution, localId, new PatientDetails("Test^" + institution, null, null))).Patient.Id;

    /// <summary>The search, once the institution's fixture patient is registered: the row asserts it is found, so it
    /// must exist whatever order the rows run in.</summary>
    private async Task<HttpResponseMessage> SearchAfterRegisteringAsync(HttpClient client, string institution)
    {
        await PatientAtAsync(institution, ApiHost.PatientAt(institution));
        return await client.GetAsync($"/api/patients?institution={institution}&limit=200");
    }

    /// <summary>A new referral of the institution's case to <see cref="ReferredTo"/>, made on the grain directly.</summary>
    private async Task<Guid> ReferralFromAsync(string institution)
    {
        var id = Guid.NewGuid();
        await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IReferralGrain>(id)
            .CreateAsync(new ReferralRequest(host.CaseAt[institution], institution, ReferredTo(institution), "matrix", "matrix"));
        return id;
    }

    public static TheoryData<UserRole, Target, Endpoint> Matrix()
    {
        var data = new TheoryData<UserRole, Target, Endpoint>();
        foreach (UserRole role in Enum.GetValues<UserRole>())
        {
            foreach (Target target in Enum.GetValues<Target>())
            {
                foreach (Endpoint endpoint in Enum.GetValues<Endpoint>())
                {
                    // Users, audit, worklist and patient registration name no institution: a caller cannot aim them at another community.
                    // That side is covered by Other_community_admin_and_reader_see_nothing_of_county_a.
                    if (target != Target.OtherCommunity || endpoint is not (Endpoint.ListUsers or Endpoint.ReadAudit or Endpoint.VerifyAudit or Endpoint.Worklist or Endpoint.RegisterPatient
                        or Endpoint.DicomWebStore))
                    {
                        data.Add(role, target, endpoint);
                    }
                }
            }
        }

        return data;
    }

    private static string InstitutionFor(UserRole role, Target target) => target switch
    {
        Target.OwnInstitution => ApiHost.InstitutionOf(role),
        Target.OtherInstitution => ApiHost.InstitutionOf(role) == ApiHost.TownA ? ApiHost.VillageA : ApiHost.TownA,
        _ => ApiHost.TownB,
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Role_target_endpoint(UserRole role, Target target, Endpoint endpoint)
    {
        string institution = InstitutionFor(role, target);
        string community = target == Target.OtherCommunity ? ApiHost.CommunityB : ApiHost.CommunityA;
        using HttpClient client = host.ClientAs(ApiHost.UserOf(role));
        using HttpResponseMessage response = endpoint switch
        {
            Endpoint.ListStudies => await client.GetAsync($"/api/studies?institution={institution}"),
            Endpoint.ReadCase => await client.GetAsync($"/api/cases/{host.CaseAt[institution]}"),
            Endpoint.ReadReport => await client.GetAsync($"/api/cases/{host.CaseAt[institution]}/report"),
            Endpoint.PrintReport => await client.GetAsync($"/api/cases/{host.CaseAt[institution]}/report.html"),
            Endpoint.ShowInstitution => await client.GetAsync($"/api/institutions/{institution}"),
            Endpoint.ListCommunityInstitutions => await client.GetAsync($"/api/institutions?community={community}"),
            Endpoint.CreateUser => await client.PostAsJsonAsync("/api/users", new
            {
                id = $"new-{role}-{target}".ToLowerInvariant(),
                displayName = "New user",
                role = "VillageDoctor",
                institutionId = institution,
                password = "a long enough password",
            }),
            Endpoint.ListUsers => await client.GetAsync("/api/users"),
            Endpoint.ReadAudit => await client.GetAsync("/api/audit?limit=5"),
            Endpoint.VerifyAudit => await client.GetAsync("/api/audit/verify"),
            Endpoint.Worklist => await client.GetAsync("/api/worklist"),
            Endpoint.ListCases => await client.GetAsync($"/api/cases?institution={institution}&limit=500"),
            Endpoint.Dashboard => await client.GetAsync($"/api/dashboard?institution={institution}"),
            Endpoint.RegisterPatient => await client.PostAsJsonAsync("/api/patients", new { localId = $"M-{role}-{target}", name = "Matrix^Patient" }),
            Endpoint.SearchPatients => await SearchAfterRegisteringAsync(client, institution),
            Endpoint.ReadPatient => await client.GetAsync($"/api/patients/{await PatientAtAsync(institution, ApiHost.PatientAt(institution))}"),
            Endpoint.UpdatePatient => await PutAsync(client, $"/api/patients/{await PatientAtAsync(institution, ApiHost.PatientAt(institution))}",
                new { name = "Test^" + institution }),
            Endpoint.LinkPatientIdentifier => await client.PostAsJsonAsync(
                $"/api/patients/{await PatientAtAsync(institution, $"LINK-{role}-{target}")}/identifiers", new { localId = $"L-{role}-{target}" }),
            Endpoint.MergePatient => await MergeAsync(client, await PatientAtAsync(institution, $"DUP-{role}-{target}"), await PatientAtAsync(institution, $"KEEP-{role}-{target}")),
            Endpoint.OpenReferral => await client.PostAsJsonAsync("/api/referrals",
                new { caseId = host.CaseAt[institution], toInstitutionId = ReferredTo(institution), reason = "matrix" }),
            Endpoint.ListReferrals => await client.GetAsync($"/api/referrals?institution={institution}"),
            Endpoint.ReadReferral => await client.GetAsync($"/api/referrals/{await ReferralFromAsync(institution)}"),
            Endpoint.AcceptReferral => await client.PostAsync($"/api/referrals/{await ReferralFromAsync(institution)}/accept", null),
            Endpoint.DicomWebSearch => await client.GetAsync($"/dicomweb/studies?PatientID={ApiHost.PatientAt(institution)}"),
            Endpoint.DicomWebRetrieve => await client.GetAsync(await DicomMetadataUrlAtAsync(institution)),
            // Stored for the caller's institution as its fixture patient, so the institution's study list (which
            // AuditTests count entries of) still shows one patient.
            Endpoint.DicomWebStore => await client.PostAsync("/dicomweb/studies", Telemed.ConsultHub.Tests.DicomWeb.DicomWebSamples.Stow(
                Telemed.ConsultHub.Tests.DicomWeb.DicomWebSamples.Fresh(Telemed.ConsultHub.Tests.DicomWeb.DicomWebSamples.Cr, patientId: ApiHost.PatientAt(ApiHost.InstitutionOf(role))).Bytes)),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
        };

        if (Allowed(role, target, endpoint))
        {
            Assert.True(response.IsSuccessStatusCode, $"{role} {target} {endpoint}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            string body = await response.Content.ReadAsStringAsync();
            switch (endpoint)
            {
                case Endpoint.ListStudies:
                    Assert.Contains(ApiHost.PatientAt(institution), body, StringComparison.Ordinal);
                    break;
                case Endpoint.ReadCase:
                case Endpoint.ReadReport:
                case Endpoint.PrintReport:
                    Assert.Contains(host.CaseAt[institution].ToString(), body, StringComparison.Ordinal);
                    break;
                case Endpoint.ListCommunityInstitutions:
                    // Staff see only their own institution; everyone else the whole tree of their community.
                    string[] ids = System.Text.Json.JsonDocument.Parse(body).RootElement.EnumerateArray()
                        .Select(i => i.GetProperty("id").GetString()!).Order(StringComparer.Ordinal).ToArray();
                    string[] expected = role is UserRole.VillageDoctor or UserRole.TownshipStaff
                        ? [ApiHost.InstitutionOf(role)]
                        : new[] { ApiHost.CountyA, ApiHost.TownA, ApiHost.VillageA }.Order(StringComparer.Ordinal).ToArray();
                    Assert.Equal(expected, ids);
                    break;
                case Endpoint.CreateUser:
                case Endpoint.RegisterPatient:
                case Endpoint.OpenReferral:
                    Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                    break;
                case Endpoint.ListCases:
                    // The institution's case, with its patient only for the roles that read patient data.
                    Assert.Contains(host.CaseAt[institution].ToString(), body, StringComparison.Ordinal);
                    Assert.Equal(role is not (UserRole.CommunityAdmin or UserRole.Auditor), body.Contains(ApiHost.PatientAt(institution), StringComparison.Ordinal));
                    break;
                case Endpoint.Dashboard:
                    Assert.Contains($"\"institutionId\":\"{institution}\"", body, StringComparison.Ordinal);
                    break;
                case Endpoint.SearchPatients:
                case Endpoint.ReadPatient:
                case Endpoint.UpdatePatient:
                    Assert.Contains(await PatientAtAsync(institution, ApiHost.PatientAt(institution)), body, StringComparison.Ordinal);
                    break;
                case Endpoint.AcceptReferral:
                    Assert.Contains("\"Accepted\"", body, StringComparison.Ordinal);
                    break;
                case Endpoint.DicomWebSearch:
                    Assert.Contains(ApiHost.PatientAt(institution), body, StringComparison.Ordinal);
                    break;
                case Endpoint.DicomWebRetrieve:
                    Assert.Contains("\"7FE00010\"", body, StringComparison.Ordinal);
                    break;
                case Endpoint.DicomWebStore:
                    Assert.Contains("\"00081199\"", body, StringComparison.Ordinal);
                    break;
                case Endpoint.ListUsers:
                    Assert.Contains("a-village-doctor", body, StringComparison.Ordinal);
                    Assert.DoesNotContain("b-admin", body, StringComparison.Ordinal);
                    break;
                default:
                    break;
            }
        }
        else if (endpoint == Endpoint.DicomWebSearch && role is not (UserRole.CommunityAdmin or UserRole.Auditor))
        {
            // A search is narrowed to the caller's scope rather than refused: the other institution's patient is not in it.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(ApiHost.PatientAt(institution), await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        else
        {
            await Problems.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        }
    }

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string url, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        return await client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> MergeAsync(HttpClient client, string duplicate, string into)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/patients/{duplicate}/merge") { Content = JsonContent.Create(new { intoPatientId = into }) };
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Other_community_admin_and_reader_see_nothing_of_county_a()
    {
        using HttpClient admin = host.ClientAs("b-admin");
        string users = await admin.GetStringAsync("/api/users");
        Assert.Contains("b-cardiologist", users, StringComparison.Ordinal);
        Assert.DoesNotContain("a-", users.Replace("b-a", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        await Problems.AssertProblemAsync(await admin.GetAsync($"/api/institutions?community={ApiHost.CommunityA}"), HttpStatusCode.Forbidden);

        using HttpClient reader = host.ClientAs("b-cardiologist");
        await Problems.AssertProblemAsync(await reader.GetAsync($"/api/cases/{host.CaseAt[ApiHost.TownA]}"), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await reader.GetAsync($"/api/studies?institution={ApiHost.CountyA}"), HttpStatusCode.Forbidden);
        Assert.Contains(ApiHost.PatientAt(ApiHost.TownB), await reader.GetStringAsync($"/api/studies?institution={ApiHost.TownB}"), StringComparison.Ordinal);
        string worklist = await reader.GetStringAsync("/api/worklist");
        Assert.DoesNotContain("PAT-a-", worklist, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short", "password")]
    [InlineData("a-admin-password-has-a-admin-in-it", "password")]
    [InlineData("bad id!", "id")]
    public async Task User_creation_enforces_the_password_policy_and_id_rules(string passwordOrId, string field)
    {
        using HttpClient admin = host.ClientAs("a-admin");
        bool badId = field == "id";
        using HttpResponseMessage response = await admin.PostAsJsonAsync("/api/users", new
        {
            id = badId ? passwordOrId : "a-admin",
            role = "Auditor",
            institutionId = ApiHost.CountyA,
            password = badId ? "a long enough password" : passwordOrId,
        });
        await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_created_by_the_admin_can_sign_in_and_a_taken_id_is_a_conflict()
    {
        using HttpClient admin = host.ClientAs("a-admin");
        var request = new { id = "a-new-radiologist", displayName = "Dr New", role = "Radiologist", institutionId = ApiHost.CountyA, password = "another long password" };
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/users", request)).StatusCode);
        await Problems.AssertProblemAsync(await admin.PostAsJsonAsync("/api/users", request), HttpStatusCode.Conflict);
        using HttpClient client = host.CreateClient(new() { HandleCookies = true });
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/login", new { user = "a-new-radiologist", password = "another long password" })).StatusCode);
        Assert.Contains("\"Radiologist\"", await client.GetStringAsync("/api/me"), StringComparison.Ordinal);
    }
}
