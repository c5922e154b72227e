using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Auth;
using Telemed.Storage.Accounts;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>Patient-data reads leave audit entries that the community's auditor, and only they, can query.</summary>
[Collection(ApiCollection.Name)]
public sealed class AuditTests(ApiHost host)
{
    /// <summary>A user only this test uses, so entries of other tests on the shared hub cannot be mistaken for its own.</summary>
    private async Task<(string Id, HttpClient Client)> FreshUserAsync(UserRole role, string institution, string community = ApiHost.CommunityA)
    {
        UserDirectory users = host.Services.GetRequiredService<UserDirectory>();
        string id = $"{role}-{Guid.NewGuid():N}"[..24].ToLowerInvariant();
        Assert.True(await users.CreateAsync(new NewUser(id, id, role, community, institution, ApiHost.Password)));
        HttpClient client = host.CreateClient(new() { HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new("Bearer", (await users.IssueTokenAsync(id, "test", id)).Secret);
        return (id, client);
    }

    private static async Task<JsonElement[]> AuditAsync(HttpClient auditor, string query)
    {
        using HttpResponseMessage response = await auditor.GetAsync("/api/audit?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    [Fact]
    public async Task Each_patient_data_read_allowed_or_refused_is_an_audit_entry_the_auditor_can_filter()
    {
        using HttpClient auditor = host.ClientAs("a-auditor");
        DateTimeOffset before = DateTimeOffset.UtcNow.AddSeconds(-1);
        string patientTown = ApiHost.PatientAt(ApiHost.TownA);
        string patientVillage = ApiHost.PatientAt(ApiHost.VillageA);
        (string radiologistId, HttpClient radiologist) = await FreshUserAsync(UserRole.Radiologist, ApiHost.CountyA);
        (string doctorId, HttpClient villageDoctor) = await FreshUserAsync(UserRole.VillageDoctor, ApiHost.VillageA);
        using (radiologist)
        using (villageDoctor)
        {
            Assert.Equal(HttpStatusCode.OK, (await radiologist.GetAsync($"/api/studies?institution={ApiHost.TownA}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await radiologist.GetAsync($"/api/cases/{host.CaseAt[ApiHost.VillageA]}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await villageDoctor.GetAsync($"/api/cases/{host.CaseAt[ApiHost.TownA]}")).StatusCode);
        }

        JsonElement[] town = await AuditAsync(auditor, $"patient={patientTown}&from={Uri.EscapeDataString(before.ToString("O"))}&limit=10000");
        Assert.All(town, e => Assert.Equal(patientTown, e.GetProperty("patientId").GetString()));
        JsonElement study = Assert.Single(town, e => e.GetProperty("userId").GetString() == radiologistId);
        Assert.Equal("studies.list", study.GetProperty("action").GetString());
        Assert.Equal($"institution/{ApiHost.TownA}/studies", study.GetProperty("resource").GetString());
        Assert.Equal("ok", study.GetProperty("outcome").GetString());
        Assert.Equal(ApiHost.CommunityA, study.GetProperty("communityId").GetString());
        JsonElement denied = Assert.Single(town, e => e.GetProperty("userId").GetString() == doctorId);
        Assert.Equal("case.read", denied.GetProperty("action").GetString());
        Assert.Equal($"case/{host.CaseAt[ApiHost.TownA]}", denied.GetProperty("resource").GetString());
        Assert.Equal("denied", denied.GetProperty("outcome").GetString());

        JsonElement caseRead = Assert.Single(await AuditAsync(auditor, $"patient={patientVillage}&user={radiologistId}"));
        Assert.Equal($"case/{host.CaseAt[ApiHost.VillageA]}", caseRead.GetProperty("resource").GetString());
        Assert.Equal("ok", caseRead.GetProperty("outcome").GetString());
        Assert.True(caseRead.GetProperty("at").GetDateTimeOffset() >= before);
        Assert.Equal(2, (await AuditAsync(auditor, $"user={radiologistId}")).Length);
        Assert.Empty(await AuditAsync(auditor, $"user={radiologistId}&to={Uri.EscapeDataString(before.ToString("O"))}"));

        using HttpResponseMessage verify = await auditor.GetAsync("/api/audit/verify");
        using JsonDocument result = JsonDocument.Parse(await verify.Content.ReadAsStringAsync());
        Assert.True(result.RootElement.GetProperty("intact").GetBoolean(), result.RootElement.ToString());
    }

    [Fact]
    public async Task A_list_read_is_one_entry_per_patient_shown()
    {
        using HttpClient auditor = host.ClientAs("a-auditor");
        (string staffId, HttpClient staff) = await FreshUserAsync(UserRole.TownshipStaff, ApiHost.TownA);
        using (staff)
        {
            string studies = await staff.GetStringAsync($"/api/studies?institution={ApiHost.TownA}");
            string[] shown = JsonDocument.Parse(studies).RootElement.EnumerateArray().Select(s => s.GetProperty("patientId").GetString()!).Distinct().Order(StringComparer.Ordinal).ToArray();
            Assert.NotEmpty(shown);
            JsonElement[] entries = await AuditAsync(auditor, $"user={staffId}");
            Assert.All(entries, e => Assert.Equal("studies.list", e.GetProperty("action").GetString()));
            Assert.Equal(shown, entries.Select(e => e.GetProperty("patientId").GetString()!).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Another_communitys_reads_stay_in_its_log_but_its_refused_attempts_on_ours_show_in_ours()
    {
        using HttpClient auditor = host.ClientAs("a-auditor");
        (string readerId, HttpClient reader) = await FreshUserAsync(UserRole.Cardiologist, ApiHost.CountyB, ApiHost.CommunityB);
        using (reader)
        {
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/api/studies?institution={ApiHost.TownB}")).StatusCode);
            Assert.Empty(await AuditAsync(auditor, $"user={readerId}"));
            Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync($"/api/cases/{host.CaseAt[ApiHost.VillageA]}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync($"/api/studies?institution={ApiHost.CountyA}")).StatusCode);
        }

        JsonElement[] attempts = await AuditAsync(auditor, $"user={readerId}");
        Assert.Equal(["case.read", "studies.list"], attempts.Select(e => e.GetProperty("action").GetString()).Order(StringComparer.Ordinal));
        Assert.All(attempts, e => Assert.Equal("denied", e.GetProperty("outcome").GetString()));
        Assert.All(await AuditAsync(auditor, "limit=10000"), e => Assert.Equal(ApiHost.CommunityA, e.GetProperty("communityId").GetString()));
    }
}
