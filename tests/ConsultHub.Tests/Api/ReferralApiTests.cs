using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Communities;
using Telemed.Storage.Accounts;
using Telemed.Storage.Audit;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>
/// Referrals over HTTP on the real hub: up from a township to the county hospital, down from the county reader to a
/// village with the signed impression in the case summary, and from a county hospital to a city hospital of another
/// community. Only the two institutions' people (and their communities' admins and auditors) see a referral, only the
/// receiving side answers it, steps the status does not allow are 409, and every step is in the audit log.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ReferralApiTests(ApiHost host)
{
    private static readonly TimeSpan RoutingTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The township registers the patient, opens a case for them, and the on-duty cardiologist accepts it.</summary>
    private static async Task<(Guid CaseId, string PatientId)> AcceptedCaseAsync(WorkflowCommunity c, string localId)
    {
        using HttpClient town = c.ClientAs(c.TownStaff);
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        using HttpResponseMessage registered = await town.PostAsJsonAsync("/api/patients", new { localId, name = "Zhao^Lei=赵^磊", sex = "M" });
        Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        string patientId = JsonDocument.Parse(await registered.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        using HttpResponseMessage opened = await town.PostAsJsonAsync("/api/cases", new { patientId, kind = "EcgRead", priority = "Urgent", question = "胸痛2小时 chest pain" });
        Assert.True(opened.StatusCode == HttpStatusCode.Created, await opened.Content.ReadAsStringAsync());
        Guid caseId = JsonDocument.Parse(await opened.Content.ReadAsStringAsync()).RootElement.GetProperty("caseId").GetGuid();

        // Routing is asynchronous: poll the worklist until the case is there.
        var clock = Stopwatch.StartNew();
        while (!(await reader.GetStringAsync("/api/worklist")).Contains(caseId.ToString(), StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < RoutingTimeout, $"case {caseId} not on the worklist after {RoutingTimeout}");
            await Task.Delay(100);
        }

        using HttpResponseMessage accepted = await reader.PostAsync($"/api/cases/{caseId}/accept", null);
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        return (caseId, patientId);
    }

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using (response)
        {
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    private static Task<HttpResponseMessage> ReferAsync(HttpClient client, Guid caseId, string to, string reason = "疑似急性冠脉综合征 suspected ACS") =>
        client.PostAsJsonAsync("/api/referrals", new { caseId, toInstitutionId = to, reason });

    private static async Task<string[]> ListAsync(HttpClient client, string query = "")
    {
        JsonElement list = await OkAsync(await client.GetAsync("/api/referrals?" + query));
        return [.. list.EnumerateArray().Select(r => r.GetProperty("referralId").GetString()!)];
    }

    private async Task<string[]> AuditAsync(string communityId, string patientId) =>
        [.. (await host.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(communityId, PatientId: patientId, Limit: 1000)))
            .Where(e => e.Action.StartsWith("referral.", StringComparison.Ordinal))
            .Reverse()
            .Select(e => $"{e.UserId} {e.Action} {e.Outcome}")];

    [Fact]
    public async Task Up_from_the_township_the_county_accepts_and_completes_and_only_the_two_sides_see_it()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        (Guid caseId, string patientId) = await AcceptedCaseAsync(c, "T-UP");
        using HttpClient town = c.ClientAs(c.TownStaff);
        using HttpClient village = c.ClientAs(c.VillageDoctor);
        using HttpClient county = c.ClientAs(c.OffDutyCardiologist);
        using HttpClient admin = c.ClientAs(c.Admin);
        using HttpClient auditor = c.ClientAs(c.Auditor);

        using HttpResponseMessage created = await ReferAsync(town, caseId, c.County);
        string location = created.Headers.Location?.OriginalString ?? string.Empty;
        JsonElement referral = await OkAsync(created, HttpStatusCode.Created);
        string id = referral.GetProperty("referralId").GetString()!;
        Assert.Equal($"/api/referrals/{id}", location);
        Assert.Equal("Up", referral.GetProperty("direction").GetString());
        Assert.Equal("Requested", referral.GetProperty("status").GetString());
        Assert.Equal(c.Town, referral.GetProperty("fromInstitutionId").GetString());
        JsonElement summary = referral.GetProperty("summary");
        Assert.Equal(caseId, summary.GetProperty("caseId").GetGuid());
        Assert.Equal(patientId, summary.GetProperty("patientId").GetString());
        Assert.Equal("胸痛2小时 chest pain", summary.GetProperty("clinicalQuestion").GetString());

        foreach (HttpClient seer in new[] { town, county, admin, auditor })
        {
            Assert.Equal(id, (await OkAsync(await seer.GetAsync($"/api/referrals/{id}"))).GetProperty("referralId").GetString());
        }

        await Problems.AssertProblemAsync(await village.GetAsync($"/api/referrals/{id}"), HttpStatusCode.Forbidden);
        using (HttpClient outsider = host.ClientAs("b-admin"))
        {
            await Problems.AssertProblemAsync(await outsider.GetAsync($"/api/referrals/{id}"), HttpStatusCode.Forbidden);
        }

        // The sender, a bystander and the auditor cannot answer for the county.
        foreach (HttpClient notReceiving in new[] { town, village, auditor })
        {
            await Problems.AssertProblemAsync(await notReceiving.PostAsync($"/api/referrals/{id}/accept", null), HttpStatusCode.Forbidden);
        }

        await Problems.AssertProblemAsync(await county.PostAsJsonAsync($"/api/referrals/{id}/complete", new { outcome = "too early" }), HttpStatusCode.Conflict);
        JsonElement accepted = await OkAsync(await county.PostAsync($"/api/referrals/{id}/accept", null));
        Assert.Equal("Accepted", accepted.GetProperty("status").GetString());
        Assert.Equal(c.OffDutyCardiologist, accepted.GetProperty("handledBy").GetString());
        await Problems.AssertProblemAsync(await county.PostAsync($"/api/referrals/{id}/accept", null), HttpStatusCode.Conflict);
        await Problems.AssertProblemAsync(await county.PostAsJsonAsync($"/api/referrals/{id}/decline", new { reason = "full" }), HttpStatusCode.Conflict);
        await Problems.AssertProblemAsync(await county.PostAsJsonAsync($"/api/referrals/{id}/complete", new { outcome = " " }), HttpStatusCode.BadRequest);
        JsonElement completed = await OkAsync(await county.PostAsJsonAsync($"/api/referrals/{id}/complete", new { outcome = "PCI, discharged day 4" }));
        Assert.Equal("Completed", completed.GetProperty("status").GetString());
        Assert.Equal("PCI, discharged day 4", completed.GetProperty("outcome").GetString());

        Assert.Equal([id], await ListAsync(town, "direction=Up&status=Completed"));
        Assert.Empty(await ListAsync(town, "status=Requested"));
        Assert.Equal([id], await ListAsync(county, $"institution={c.County}"));
        Assert.Empty(await ListAsync(village));
        Assert.Equal([id], await ListAsync(admin, $"institution={c.Town}&direction=up"));
        Assert.Equal([id], await ListAsync(auditor));
        await Problems.AssertProblemAsync(await village.GetAsync($"/api/referrals?institution={c.Town}"), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await town.GetAsync("/api/referrals?direction=Sideways"), HttpStatusCode.BadRequest);

        string[] audit = await AuditAsync(c.Id, patientId);
        Assert.Contains($"{c.TownStaff} referral.create ok", audit);
        Assert.Contains($"{c.VillageDoctor} referral.read denied", audit);
        Assert.Contains($"{c.Auditor} referral.read ok", audit);
        Assert.Contains($"{c.OffDutyCardiologist} referral.accept ok", audit);
        Assert.Contains($"{c.OffDutyCardiologist} referral.complete conflict", audit);
        Assert.Contains($"{c.OffDutyCardiologist} referral.complete ok", audit);
        Assert.Contains($"{c.TownStaff} referral.list ok", audit);
    }

    [Fact]
    public async Task Down_from_the_assigned_reader_carries_the_signed_impression_and_the_village_declines()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        (Guid caseId, string patientId) = await AcceptedCaseAsync(c, "T-DOWN");
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        using HttpClient otherReader = c.ClientAs(c.OffDutyCardiologist);
        using HttpClient town = c.ClientAs(c.TownStaff);
        using HttpClient village = c.ClientAs(c.VillageDoctor);

        using (HttpResponseMessage report = await reader.GetAsync($"/api/cases/{caseId}/report"))
        {
            string etag = report.Headers.ETag!.ToString();
            using var draft = new HttpRequestMessage(HttpMethod.Put, $"/api/cases/{caseId}/report")
            {
                Content = JsonContent.Create(new
                {
                    fields = new Dictionary<string, string> { ["Rhythm"] = "窦性心律 sinus rhythm", ["Heart rate (bpm)"] = "64" },
                    findings = "ST段无抬高 no ST elevation",
                    impression = "房颤 atrial fibrillation, rate controlled",
                }),
            };
            draft.Headers.TryAddWithoutValidation("If-Match", etag);
            using HttpResponseMessage drafted = await reader.SendAsync(draft);
            Assert.True(drafted.StatusCode == HttpStatusCode.OK, await drafted.Content.ReadAsStringAsync());
            using var sign = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{caseId}/report/sign") { Content = JsonContent.Create(new { }) };
            sign.Headers.TryAddWithoutValidation("If-Match", drafted.Headers.ETag!.ToString());
            using HttpResponseMessage signed = await reader.SendAsync(sign);
            Assert.True(signed.StatusCode == HttpStatusCode.OK, await signed.Content.ReadAsStringAsync());
        }

        // Only the case's institution and its assigned reader refer it.
        await Problems.AssertProblemAsync(await ReferAsync(otherReader, caseId, c.Village), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await ReferAsync(village, caseId, c.County), HttpStatusCode.Forbidden);
        // Sideways (township to township) and nowhere are not referrals.
        await Problems.AssertProblemAsync(await ReferAsync(town, caseId, c.Town), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await ReferAsync(town, caseId, "no-such-hospital"), HttpStatusCode.BadRequest);

        JsonElement referral = await OkAsync(await ReferAsync(reader, caseId, c.Village, "随访INR follow-up INR at the village"), HttpStatusCode.Created);
        string id = referral.GetProperty("referralId").GetString()!;
        Assert.Equal("Down", referral.GetProperty("direction").GetString());
        Assert.Equal(c.County, referral.GetProperty("fromInstitutionId").GetString());
        Assert.Equal("房颤 atrial fibrillation, rate controlled", referral.GetProperty("summary").GetProperty("impression").GetString());
        Assert.Equal(c.Cardiologist, referral.GetProperty("summary").GetProperty("signedBy").GetString());

        // The township requested the case but is not a side of this referral.
        await Problems.AssertProblemAsync(await town.GetAsync($"/api/referrals/{id}"), HttpStatusCode.Forbidden);
        Assert.Empty(await ListAsync(town, "direction=Down"));
        Assert.Equal([id], await ListAsync(village, "direction=Down&status=Requested"));

        await Problems.AssertProblemAsync(await village.PostAsJsonAsync($"/api/referrals/{id}/decline", new { reason = "" }), HttpStatusCode.BadRequest);
        JsonElement declined = await OkAsync(await village.PostAsJsonAsync($"/api/referrals/{id}/decline", new { reason = "无INR检测 no INR testing here" }));
        Assert.Equal("Declined", declined.GetProperty("status").GetString());
        Assert.Equal("无INR检测 no INR testing here", declined.GetProperty("outcome").GetString());
        await Problems.AssertProblemAsync(await village.PostAsJsonAsync($"/api/referrals/{id}/complete", new { outcome = "seen" }), HttpStatusCode.Conflict);
        Assert.Equal([id], await ListAsync(reader, "direction=Down&status=Declined"));
        Assert.Contains($"{c.VillageDoctor} referral.decline ok", await AuditAsync(c.Id, patientId));
    }

    /// <summary>
    /// The city hospital above the county is another community's: the county refers up to it, the city answers, and
    /// both communities' logs hold the steps. A township cannot refer straight into another county's community.
    /// </summary>
    [Fact]
    public async Task Up_to_a_city_hospital_of_another_community_and_no_other_crossing()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        WorkflowCommunity neighbour = await WorkflowCommunity.CreateAsync(host);
        string cityCommunity = "city" + Guid.NewGuid().ToString("N")[..10];
        string city = cityCommunity + "-hospital";
        IGrainFactory grains = host.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<ICommunityGrain>(cityCommunity).DefineInstitutionAsync(new Institution(city, "市人民医院 City People's Hospital", InstitutionLevel.City, null));
        UserDirectory users = host.Services.GetRequiredService<UserDirectory>();
        string cityCardiologist = cityCommunity + "-card";
        Assert.True(await users.CreateAsync(new NewUser(cityCardiologist, "City cardiologist", UserRole.Cardiologist, cityCommunity, city, ApiHost.Password)));
        using HttpClient cityReader = host.CreateClient(new() { HandleCookies = false });
        cityReader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await users.IssueTokenAsync(cityCardiologist, "tests", cityCardiologist)).Secret);

        (Guid caseId, string patientId) = await AcceptedCaseAsync(c, "T-CITY");
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        using HttpClient town = c.ClientAs(c.TownStaff);
        using HttpClient admin = c.ClientAs(c.Admin);
        using HttpClient neighbourAdmin = neighbour.ClientAs(neighbour.Admin);

        using HttpResponseMessage crossing = await ReferAsync(town, caseId, neighbour.County);
        await Problems.AssertProblemAsync(crossing, HttpStatusCode.BadRequest);
        Assert.Contains("toInstitutionId", await crossing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        JsonElement referral = await OkAsync(await ReferAsync(reader, caseId, city, "PCI not available at the county"), HttpStatusCode.Created);
        string id = referral.GetProperty("referralId").GetString()!;
        Assert.Equal("Up", referral.GetProperty("direction").GetString());
        Assert.Equal(id, (await OkAsync(await cityReader.GetAsync($"/api/referrals/{id}"))).GetProperty("referralId").GetString());
        Assert.Equal([id], await ListAsync(cityReader, "status=Requested"));
        await Problems.AssertProblemAsync(await neighbourAdmin.GetAsync($"/api/referrals/{id}"), HttpStatusCode.Forbidden);
        // The referring community's admin sees it, but answering is the city's.
        Assert.Equal([id], await ListAsync(admin, "direction=Up"));
        await Problems.AssertProblemAsync(await admin.PostAsync($"/api/referrals/{id}/accept", null), HttpStatusCode.Forbidden);
        Assert.Equal("Accepted", (await OkAsync(await cityReader.PostAsync($"/api/referrals/{id}/accept", null))).GetProperty("status").GetString());

        Assert.Contains($"{cityCardiologist} referral.accept ok", await AuditAsync(cityCommunity, patientId));
        Assert.Contains($"{cityCardiologist} referral.accept ok", await AuditAsync(c.Id, patientId));
        Assert.Contains($"{c.Cardiologist} referral.create ok", await AuditAsync(cityCommunity, patientId));
    }
}
