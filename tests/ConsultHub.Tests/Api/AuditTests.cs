using System.Net;
using System.Text.Json;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>Patient-data reads leave audit entries that the community's auditor, and only they, can query.</summary>
[Collection(ApiCollection.Name)]
public sealed class AuditTests(ApiHost host)
{
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
        int townBefore = (await AuditAsync(auditor, $"patient={patientTown}&limit=10000")).Length;

        using (HttpClient radiologist = host.ClientAs("a-radiologist"))
        {
            Assert.Equal(HttpStatusCode.OK, (await radiologist.GetAsync($"/api/studies?institution={ApiHost.TownA}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await radiologist.GetAsync($"/api/cases/{host.CaseAt[ApiHost.VillageA]}")).StatusCode);
        }

        using (HttpClient villageDoctor = host.ClientAs("a-village-doctor"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await villageDoctor.GetAsync($"/api/cases/{host.CaseAt[ApiHost.TownA]}")).StatusCode);
        }

        JsonElement[] town = await AuditAsync(auditor, $"patient={patientTown}&from={Uri.EscapeDataString(before.ToString("O"))}&limit=10000");
        JsonElement study = Assert.Single(town, e => e.GetProperty("userId").GetString() == "a-radiologist");
        Assert.Equal("studies.list", study.GetProperty("action").GetString());
        Assert.Equal($"institution/{ApiHost.TownA}/studies", study.GetProperty("resource").GetString());
        Assert.Equal("ok", study.GetProperty("outcome").GetString());
        Assert.Equal(ApiHost.CommunityA, study.GetProperty("communityId").GetString());
        JsonElement denied = Assert.Single(town, e => e.GetProperty("userId").GetString() == "a-village-doctor");
        Assert.Equal("case.read", denied.GetProperty("action").GetString());
        Assert.Equal("denied", denied.GetProperty("outcome").GetString());
        Assert.Equal(townBefore + 2, (await AuditAsync(auditor, $"patient={patientTown}&limit=10000")).Length);

        JsonElement caseRead = Assert.Single(await AuditAsync(auditor, $"patient={patientVillage}&user=a-radiologist&from={Uri.EscapeDataString(before.ToString("O"))}"));
        Assert.Equal($"case/{host.CaseAt[ApiHost.VillageA]}", caseRead.GetProperty("resource").GetString());
        Assert.True(caseRead.GetProperty("at").GetDateTimeOffset() >= before);
        Assert.Empty(await AuditAsync(auditor, $"patient={patientVillage}&user=a-radiologist&to={Uri.EscapeDataString(before.ToString("O"))}"));

        using HttpResponseMessage verify = await auditor.GetAsync("/api/audit/verify");
        using JsonDocument result = JsonDocument.Parse(await verify.Content.ReadAsStringAsync());
        Assert.True(result.RootElement.GetProperty("intact").GetBoolean(), result.RootElement.ToString());
    }

    [Fact]
    public async Task A_list_read_is_one_entry_per_patient_shown()
    {
        using HttpClient auditor = host.ClientAs("a-auditor");
        DateTimeOffset before = DateTimeOffset.UtcNow.AddSeconds(-1);
        using HttpClient staff = host.ClientAs("a-township-staff");
        string studies = await staff.GetStringAsync($"/api/studies?institution={ApiHost.TownA}");
        int shown = JsonDocument.Parse(studies).RootElement.EnumerateArray().Select(s => s.GetProperty("patientId").GetString()).Distinct().Count();
        Assert.True(shown >= 1);
        JsonElement[] entries = (await AuditAsync(auditor, $"user=a-township-staff&from={Uri.EscapeDataString(before.ToString("O"))}"))
            .Where(e => e.GetProperty("action").GetString() == "studies.list").ToArray();
        Assert.Equal(shown, entries.Length);
    }

    [Fact]
    public async Task Another_communitys_reads_are_not_in_this_communitys_audit_log()
    {
        using HttpClient reader = host.ClientAs("b-cardiologist");
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/api/studies?institution={ApiHost.TownB}")).StatusCode);
        using HttpClient auditor = host.ClientAs("a-auditor");
        Assert.Empty(await AuditAsync(auditor, "user=b-cardiologist"));
        Assert.Empty(await AuditAsync(auditor, $"patient={ApiHost.PatientAt(ApiHost.TownB)}"));
        Assert.All(await AuditAsync(auditor, "limit=10000"), e => Assert.Equal(ApiHost.CommunityA, e.GetProperty("communityId").GetString()));
    }
}
