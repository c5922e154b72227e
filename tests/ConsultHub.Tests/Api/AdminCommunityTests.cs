using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Communities;
using Telemed.Storage.Accounts;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>SLA settings, the duty roster, readers and duty, and institutions, through the admin endpoints of a community of the test's own.</summary>
[Collection(ApiCollection.Name)]
public sealed class AdminCommunityTests(ApiHost host)
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    private static object Settings(string stat, string urgent, string routine, string accept = "00:02:00", int max = 8, string? upper = null) =>
        new { statSla = stat, urgentSla = urgent, routineSla = routine, acceptTimeout = accept, maxOpenCasesPerReader = max, upperLevelCommunityId = upper };

    [Fact]
    public async Task Settings_are_read_by_the_community_and_replaced_by_its_admin_against_the_etag()
    {
        WorkflowCommunity community = await WorkflowCommunity.CreateAsync(host);
        string url = $"/api/communities/{community.Id}/settings";
        using HttpClient admin = community.ClientAs(community.Admin);
        using HttpResponseMessage read = await admin.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        string tag = read.Headers.ETag!.ToString();
        Assert.Equal("00:10:00", (await JsonAsync(read)).GetProperty("statSla").GetString());
        foreach (string reader in new[] { community.Cardiologist, community.Auditor })
        {
            Assert.Equal(HttpStatusCode.OK, (await community.ClientAs(reader).GetAsync(url)).StatusCode);
        }

        await Problems.AssertProblemAsync(await community.ClientAs(community.TownStaff).GetAsync(url), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await host.ClientAs("a-admin").GetAsync(url), HttpStatusCode.Forbidden);

        await Problems.AssertProblemAsync(await SendAsync(admin, HttpMethod.Put, url, Settings("00:05:00", "00:20:00", "12:00:00"), null), (HttpStatusCode)428);

        // Stat longer than Urgent, accept timeout not shorter than Stat, a zero Routine: each named.
        using HttpResponseMessage invalid = await SendAsync(admin, HttpMethod.Put, url, Settings("00:40:00", "00:20:00", "00:00:00", accept: "01:00:00"), tag);
        await Problems.AssertProblemAsync(invalid, HttpStatusCode.BadRequest);
        string problems = (await JsonAsync(invalid)).GetProperty("errors").GetProperty("settings").ToString();
        Assert.Contains("positive", problems, StringComparison.Ordinal);
        Assert.Contains("Stat ≤ Urgent ≤ Routine", problems, StringComparison.Ordinal);
        Assert.Contains("accept timeout", problems, StringComparison.Ordinal);
        using HttpResponseMessage missing = await SendAsync(admin, HttpMethod.Put, url, new { statSla = "00:05:00" }, tag);
        await Problems.AssertProblemAsync(missing, HttpStatusCode.BadRequest);
        Assert.True((await JsonAsync(missing)).GetProperty("errors").TryGetProperty("routineSla", out _));
        await Problems.AssertProblemAsync(await SendAsync(admin, HttpMethod.Put, url, Settings("00:05:00", "00:20:00", "12:00:00", upper: community.Id), tag),
            HttpStatusCode.BadRequest);

        using HttpResponseMessage changed = await SendAsync(admin, HttpMethod.Put, url, Settings("00:05:00", "00:20:00", "12:00:00", max: 3, upper: ApiHost.CommunityA), tag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(tag, changed.Headers.ETag!.ToString());
        CommunitySettings stored = await host.Services.GetRequiredService<IGrainFactory>().GetGrain<ICommunityGrain>(community.Id).GetSettingsAsync();
        Assert.Equal(TimeSpan.FromMinutes(5), stored.StatSla);
        Assert.Equal(TimeSpan.FromHours(12), stored.RoutineSla);
        Assert.Equal(3, stored.MaxOpenCasesPerReader);
        Assert.Equal(ApiHost.CommunityA, stored.UpperLevelCommunityId);

        // The tag the change was made against is stale now.
        await Problems.AssertProblemAsync(await SendAsync(admin, HttpMethod.Put, url, Settings("00:06:00", "00:20:00", "12:00:00"), tag), HttpStatusCode.PreconditionFailed);
        await Problems.AssertProblemAsync(await SendAsync(host.ClientAs("a-admin"), HttpMethod.Put, url, Settings("00:06:00", "00:20:00", "12:00:00"), "*"),
            HttpStatusCode.Forbidden);

        string audit = await community.ClientAs(community.Auditor).GetStringAsync($"/api/audit?user={community.Admin}");
        Assert.Contains("settings.update", audit, StringComparison.Ordinal);
        Assert.Contains("precondition-failed", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_roster_is_validated_and_replaced_against_the_etag()
    {
        WorkflowCommunity community = await WorkflowCommunity.CreateAsync(host);
        string url = $"/api/communities/{community.Id}/roster";
        using HttpClient admin = community.ClientAs(community.Admin);
        using HttpResponseMessage read = await admin.GetAsync(url);
        string tag = read.Headers.ETag!.ToString();
        Assert.Equal(0, (await JsonAsync(read)).GetProperty("shifts").GetArrayLength());
        DateTimeOffset from = DateTimeOffset.UtcNow.AddHours(-1);
        object Shift(string reader, string specialty, DateTimeOffset start, DateTimeOffset end, string role) =>
            new { readerId = reader, specialty, from = start, to = end, role };

        await Problems.AssertProblemAsync(await SendAsync(admin, HttpMethod.Put, url,
            new { shifts = new[] { Shift("stranger", "Cardiology", from, from.AddHours(8), "Primary") } }, tag), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await SendAsync(admin, HttpMethod.Put, url,
            new { shifts = new[] { Shift(community.Cardiologist, "Cardiology", from, from.AddHours(-2), "Primary") } }, tag), HttpStatusCode.BadRequest);
        // The cardiologist does not read X-rays.
        await Problems.AssertProblemAsync(await SendAsync(admin, HttpMethod.Put, url,
            new { shifts = new[] { Shift(community.Cardiologist, "Radiology", from, from.AddHours(8), "Primary") } }, tag), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await SendAsync(admin, HttpMethod.Put, url, new { shifts = Array.Empty<object>() }, null), (HttpStatusCode)428);

        var roster = new
        {
            shifts = new[]
            {
                Shift(community.Cardiologist, "Cardiology", from, from.AddHours(8), "Primary"),
                Shift(community.OffDutyCardiologist, "Cardiology", from, from.AddHours(8), "Backup"),
            },
        };
        using HttpResponseMessage saved = await SendAsync(admin, HttpMethod.Put, url, roster, tag);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        await Problems.AssertProblemAsync(await SendAsync(admin, HttpMethod.Put, url, roster, tag), HttpStatusCode.PreconditionFailed);

        // The roster is in force: the backup on it now is the escalation contact.
        EscalationContacts contacts = await host.Services.GetRequiredService<IGrainFactory>().GetGrain<ICommunityGrain>(community.Id)
            .GetEscalationContactsAsync(Specialty.Cardiology, community.Cardiologist);
        Assert.Equal(community.OffDutyCardiologist, contacts.BackupReaderId);

        using HttpResponseMessage reread = await community.ClientAs(community.Cardiologist).GetAsync(url);
        Assert.Equal(saved.Headers.ETag, reread.Headers.ETag);
        Assert.Equal(2, (await JsonAsync(reread)).GetProperty("shifts").GetArrayLength());
        await Problems.AssertProblemAsync(await community.ClientAs(community.Cardiologist).PutAsJsonAsync(url, roster), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_reader_put_on_duty_through_the_api_receives_the_next_case()
    {
        WorkflowCommunity community = await WorkflowCommunity.CreateAsync(host);
        using HttpClient admin = community.ClientAs(community.Admin);
        // The on-duty cardiologist ends their own duty; the admin puts the third one on duty.
        Assert.Equal(HttpStatusCode.OK, (await community.ClientAs(community.Cardiologist).PostAsync($"/api/readers/{community.Cardiologist}/duty/end", null)).StatusCode);
        await Problems.AssertProblemAsync(await community.ClientAs(community.Cardiologist).PostAsync($"/api/readers/{community.ThirdCardiologist}/duty/start", null),
            HttpStatusCode.Forbidden);
        using HttpResponseMessage started = await admin.PostAsync($"/api/readers/{community.ThirdCardiologist}/duty/start", null);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        Assert.True((await JsonAsync(started)).GetProperty("onDuty").GetBoolean());

        using HttpResponseMessage opened = await community.ClientAs(community.TownStaff).PostAsJsonAsync("/api/cases",
            new { patientId = "PAT-duty-" + community.Id, kind = "EcgRead", priority = "Urgent", question = "palpitations" });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        Guid caseId = (await JsonAsync(opened)).GetProperty("caseId").GetGuid();
        using HttpClient third = community.ClientAs(community.ThirdCardiologist);
        var clock = Stopwatch.StartNew();
        while (!(await third.GetStringAsync("/api/worklist")).Contains(caseId.ToString(), StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"case {caseId} never reached {community.ThirdCardiologist}");
            await Task.Delay(100);
        }

        Assert.DoesNotContain(caseId.ToString(), await community.ClientAs(community.Cardiologist).GetStringAsync("/api/worklist"), StringComparison.Ordinal);

        JsonElement readers = JsonDocument.Parse(await admin.GetStringAsync("/api/readers")).RootElement;
        JsonElement thirdView = readers.EnumerateArray().Single(r => r.GetProperty("id").GetString() == community.ThirdCardiologist);
        Assert.True(thirdView.GetProperty("onDuty").GetBoolean());
        Assert.Equal(1, thirdView.GetProperty("openCases").GetInt32());
        Assert.Equal("Cardiology", thirdView.GetProperty("specialties")[0].GetString());
        Assert.False(readers.EnumerateArray().Single(r => r.GetProperty("id").GetString() == community.Cardiologist).GetProperty("onDuty").GetBoolean());
        await Problems.AssertProblemAsync(await community.ClientAs(community.TownStaff).GetAsync("/api/readers"), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await host.ClientAs("b-admin").PostAsync($"/api/readers/{community.ThirdCardiologist}/duty/end", null), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_admin_enrols_a_radiologist_user_as_a_reader_but_not_other_roles()
    {
        WorkflowCommunity community = await WorkflowCommunity.CreateAsync(host);
        UserDirectory users = host.Services.GetRequiredService<UserDirectory>();
        string id = community.Id + "-newcard";
        Assert.True(await users.CreateAsync(new NewUser(id, "Dr New", UserRole.Radiologist, community.Id, community.County, ApiHost.Password)));
        using HttpClient admin = community.ClientAs(community.Admin);
        using HttpResponseMessage enrolled = await admin.PostAsJsonAsync("/api/readers", new { userId = id, specialties = new[] { "Radiology", "Ultrasound" } });
        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
        Assert.Equal(2, (await JsonAsync(enrolled)).GetProperty("specialties").GetArrayLength());
        IReadOnlyList<string> radiologists = await host.Services.GetRequiredService<IGrainFactory>().GetGrain<ICommunityGrain>(community.Id).GetReadersAsync(Specialty.Radiology);
        Assert.Contains(id, radiologists);

        await Problems.AssertProblemAsync(await admin.PostAsJsonAsync("/api/readers", new { userId = community.TownStaff, specialties = new[] { "Cardiology" } }), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await admin.PostAsJsonAsync("/api/readers", new { userId = id, specialties = Array.Empty<string>() }), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await admin.PostAsJsonAsync("/api/readers", new { userId = "b-cardiologist", specialties = new[] { "Cardiology" } }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_admin_adds_and_renames_institutions_with_levels_checked_by_the_community()
    {
        WorkflowCommunity community = await WorkflowCommunity.CreateAsync(host);
        using HttpClient admin = community.ClientAs(community.Admin);
        string clinic = community.Id + "-clinic2";
        using HttpResponseMessage added = await admin.PostAsJsonAsync("/api/institutions", new { id = clinic, name = "Second village clinic", level = "Village", parentId = community.Town });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Contains(clinic, await admin.GetStringAsync("/api/institutions"), StringComparison.Ordinal);

        // A township cannot sit under a village; the id is taken; no parent in another community; a county hospital's id is taken elsewhere.
        await Problems.AssertProblemAsync(await admin.PostAsJsonAsync("/api/institutions", new { id = community.Id + "-t2", name = "T", level = "Township", parentId = clinic }), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await admin.PostAsJsonAsync("/api/institutions", new { id = clinic, name = "Again", level = "Village", parentId = community.Town }), HttpStatusCode.Conflict);
        await Problems.AssertProblemAsync(await admin.PostAsJsonAsync("/api/institutions", new { id = ApiHost.TownA, name = "Stolen", level = "Village", parentId = community.Town }), HttpStatusCode.Conflict);
        await Problems.AssertProblemAsync(await admin.PostAsJsonAsync("/api/institutions", new { id = community.Id + "-x", name = "X", level = "Village", parentId = ApiHost.TownB }), HttpStatusCode.Forbidden);
        Assert.Contains("A Township Centre", await host.ClientAs("a-admin").GetStringAsync($"/api/institutions/{ApiHost.TownA}"), StringComparison.Ordinal);

        using HttpResponseMessage read = await admin.GetAsync($"/api/institutions/{clinic}");
        string tag = read.Headers.ETag!.ToString();
        await Problems.AssertProblemAsync(await SendAsync(admin, HttpMethod.Put, $"/api/institutions/{clinic}", new { name = "Renamed" }, null), (HttpStatusCode)428);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(admin, HttpMethod.Put, $"/api/institutions/{clinic}", new { name = "王村卫生室 Wang village clinic" }, tag)).StatusCode);
        await Problems.AssertProblemAsync(await SendAsync(admin, HttpMethod.Put, $"/api/institutions/{clinic}", new { name = "Lost update" }, tag), HttpStatusCode.PreconditionFailed);
        Assert.Contains("王村卫生室", await admin.GetStringAsync($"/api/institutions/{clinic}"), StringComparison.Ordinal);
        await Problems.AssertProblemAsync(await SendAsync(host.ClientAs("a-admin"), HttpMethod.Put, $"/api/institutions/{clinic}", new { name = "x" }, "*"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_admin_adds_a_department_whose_head_hears_of_breaches()
    {
        WorkflowCommunity community = await WorkflowCommunity.CreateAsync(host);
        using HttpClient admin = community.ClientAs(community.Admin);
        string url = $"/api/institutions/{community.County}/departments";
        var department = new { id = "ecg-room", name = "心电图室 ECG room", specialty = "Cardiology", headReaderId = community.ThirdCardiologist };
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync(url, department)).StatusCode);
        await Problems.AssertProblemAsync(await admin.PostAsJsonAsync(url, department), HttpStatusCode.Conflict);
        await Problems.AssertProblemAsync(await admin.PostAsJsonAsync(url, department with { id = "other", headReaderId = "stranger" }), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await host.ClientAs("a-admin").PostAsJsonAsync(url, department with { id = "x" }), HttpStatusCode.Forbidden);

        EscalationContacts contacts = await host.Services.GetRequiredService<IGrainFactory>().GetGrain<ICommunityGrain>(community.Id)
            .GetEscalationContactsAsync(Specialty.Cardiology, community.Cardiologist);
        Assert.Equal(community.ThirdCardiologist, contacts.DepartmentHeadId);
        Assert.Contains("ECG room", await community.ClientAs(community.Cardiologist).GetStringAsync(url), StringComparison.Ordinal);
        Assert.Equal("[]", await admin.GetStringAsync($"/api/institutions/{community.Town}/departments"));
    }

    [Fact]
    public async Task The_openapi_document_lists_every_admin_operation_with_a_summary()
    {
        using HttpClient client = host.CreateClient();
        using JsonDocument document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        JsonElement paths = document.RootElement.GetProperty("paths");
        foreach ((string path, string method) in new[]
        {
            ("/api/institutions", "post"), ("/api/institutions/{id}", "put"), ("/api/institutions/{id}/departments", "get"), ("/api/institutions/{id}/departments", "post"),
            ("/api/devices", "get"), ("/api/devices", "post"), ("/api/devices/{id}", "get"), ("/api/devices/{id}", "put"),
            ("/api/devices/{id}/disable", "post"), ("/api/devices/{id}/enable", "post"), ("/api/devices/{id}/token", "post"),
            ("/api/communities/{id}/settings", "get"), ("/api/communities/{id}/settings", "put"), ("/api/communities/{id}/roster", "get"), ("/api/communities/{id}/roster", "put"),
            ("/api/readers", "get"), ("/api/readers", "post"), ("/api/readers/{id}/duty/start", "post"), ("/api/readers/{id}/duty/end", "post"),
            ("/api/users/{id}", "get"), ("/api/users/{id}", "put"), ("/api/users/{id}/disable", "post"), ("/api/users/{id}/enable", "post"),
            ("/api/users/{id}/password", "post"), ("/api/me/password", "post"),
        })
        {
            Assert.True(paths.TryGetProperty(path, out JsonElement item), path);
            Assert.True(item.TryGetProperty(method, out JsonElement operation), $"{method} {path}");
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), $"{method} {path}");
        }
    }
}
