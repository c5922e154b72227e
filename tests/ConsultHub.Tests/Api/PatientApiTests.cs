using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Telemed.Storage.Audit;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>
/// The community patient index over HTTP on the real hub: registration under an institution's local id (a taken one is
/// 409 naming the patient), linking a second institution's local id, search by parts of Chinese and Latin names,
/// edits against the ETag (412 stale, 428 missing), scope per role, audit entries for reads, and case creation
/// checking community ids.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PatientApiTests(ApiHost host)
{
    private static async Task<(JsonElement Body, HttpResponseMessage Response)> RegisterAsync(HttpClient client, string localId, string name, string? sex = null, string? birthDate = null)
    {
        HttpResponseMessage response = await client.PostAsJsonAsync("/api/patients", new { localId, name, sex, birthDate });
        string text = await response.Content.ReadAsStringAsync();
        return (JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    private static async Task<string> RegisteredAsync(HttpClient client, string localId, string name)
    {
        (JsonElement body, HttpResponseMessage response) = await RegisterAsync(client, localId, name);
        using (response)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
            return body.GetProperty("id").GetString()!;
        }
    }

    private static async Task<string[]> SearchAsync(HttpClient client, string query)
    {
        using HttpResponseMessage response = await client.GetAsync("/api/patients?" + query);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return [.. JsonDocument.Parse(text).RootElement.EnumerateArray().Select(p => p.GetProperty("id").GetString()!).Order(StringComparer.Ordinal)];
    }

    private static string[] Sorted(params string[] ids) => [.. ids.Order(StringComparer.Ordinal)];

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string id, object body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/patients/{id}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task A_local_id_registers_one_patient_another_institution_links_its_own_and_each_sees_only_its_ids()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient town = c.ClientAs(c.TownStaff);
        using HttpClient village = c.ClientAs(c.VillageDoctor);
        using HttpClient admin = c.ClientAs(c.Admin);
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        using HttpClient auditor = c.ClientAs(c.Auditor);

        (JsonElement created, HttpResponseMessage response) = await RegisterAsync(town, "T-0042", "Wang^Xiaoming=王^小明", "m", "1958-12-31");
        string id;
        using (response)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            id = created.GetProperty("id").GetString()!;
            Assert.Matches("^P[0-9A-F]{16}$", id);
            Assert.Equal($"/api/patients/{id}", response.Headers.Location?.OriginalString);
            Assert.Equal("\"1\"", response.Headers.ETag?.ToString());
            Assert.Equal("M", created.GetProperty("sex").GetString());
            Assert.Equal("1958-12-31", created.GetProperty("birthDate").GetString());
            Assert.Equal(c.Id, created.GetProperty("communityId").GetString());
        }

        // The same local id again: no second patient, and the answer names the one there is.
        (JsonElement duplicate, HttpResponseMessage again) = await RegisterAsync(town, "T-0042", "Wang^X");
        using (again)
        {
            await Problems.AssertProblemAsync(again, HttpStatusCode.Conflict);
            Assert.Equal(id, duplicate.GetProperty("patientId").GetString());
        }

        // The village has no local id for the patient yet: it cannot read them until it links its own.
        await Problems.AssertProblemAsync(await village.GetAsync($"/api/patients/{id}"), HttpStatusCode.Forbidden);
        using (HttpResponseMessage linked = await village.PostAsJsonAsync($"/api/patients/{id}/identifiers", new { localId = "V-7" }))
        {
            Assert.True(linked.StatusCode == HttpStatusCode.Created, await linked.Content.ReadAsStringAsync());
            Assert.Equal("\"2\"", linked.Headers.ETag?.ToString());
        }

        Assert.Equal(HttpStatusCode.OK, (await village.PostAsJsonAsync($"/api/patients/{id}/identifiers", new { localId = "V-7" })).StatusCode);
        string other = await RegisteredAsync(village, "V-8", "Li^Si");
        using (HttpResponseMessage taken = await village.PostAsJsonAsync($"/api/patients/{other}/identifiers", new { localId = "V-7" }))
        {
            await Problems.AssertProblemAsync(taken, HttpStatusCode.Conflict);
            Assert.Contains(id, await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        static async Task<string[]> IdentifiersAsync(HttpClient client, string id)
        {
            using HttpResponseMessage response = await client.GetAsync($"/api/patients/{id}");
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            Assert.Equal("\"2\"", response.Headers.ETag?.ToString());
            return [.. JsonDocument.Parse(text).RootElement.GetProperty("identifiers").EnumerateArray()
                .Select(i => $"{i.GetProperty("institutionId").GetString()}:{i.GetProperty("localId").GetString()}")];
        }

        Assert.Equal([$"{c.Town}:T-0042"], await IdentifiersAsync(town, id));
        Assert.Equal([$"{c.Village}:V-7"], await IdentifiersAsync(village, id));
        Assert.Equal([$"{c.Town}:T-0042", $"{c.Village}:V-7"], await IdentifiersAsync(admin, id));
        Assert.Equal([$"{c.Town}:T-0042", $"{c.Village}:V-7"], await IdentifiersAsync(reader, id));
        Assert.Equal([$"{c.Town}:T-0042", $"{c.Village}:V-7"], await IdentifiersAsync(auditor, id));

        // Readers and auditors look patients up but neither register nor link; nobody of another community sees them.
        await Problems.AssertProblemAsync(await reader.PostAsJsonAsync("/api/patients", new { localId = "C-1", name = "X" }), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await auditor.PostAsJsonAsync($"/api/patients/{id}/identifiers", new { localId = "C-1" }), HttpStatusCode.Forbidden);
        using HttpClient outsider = host.ClientAs("b-admin");
        await Problems.AssertProblemAsync(await outsider.GetAsync($"/api/patients/{id}"), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await outsider.PostAsJsonAsync($"/api/patients/{id}/identifiers", new { localId = "B-1" }), HttpStatusCode.Forbidden);
        Assert.Empty(await SearchAsync(outsider, "name=" + Uri.EscapeDataString("王小明")));
        await Problems.AssertProblemAsync(await town.GetAsync("/api/patients/P0000000000000000"), HttpStatusCode.NotFound);

        // Invalid values are problem details naming the field.
        using HttpResponseMessage invalid = await town.PostAsJsonAsync("/api/patients", new { localId = "T-9", name = "a=b=c=d", sex = "X" });
        await Problems.AssertProblemAsync(invalid, HttpStatusCode.BadRequest);
        string errors = await invalid.Content.ReadAsStringAsync();
        Assert.Contains("\"name\"", errors, StringComparison.Ordinal);
        Assert.Contains("\"sex\"", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_finds_chinese_and_latin_name_parts_within_what_the_caller_may_see()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient town = c.ClientAs(c.TownStaff);
        using HttpClient village = c.ClientAs(c.VillageDoctor);
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        string wang = await RegisteredAsync(town, "T-1", "Wang^Xiaoming=王^小明");
        string zhang = await RegisteredAsync(town, "T-2", "Zhang^Wei=张^伟");
        string wangLi = await RegisteredAsync(village, "V-1", "王丽华");

        Assert.Equal(Sorted(wang), await SearchAsync(town, "name=" + Uri.EscapeDataString("王")));
        Assert.Equal(Sorted(wangLi), await SearchAsync(village, "name=" + Uri.EscapeDataString("王")));
        Assert.Equal(Sorted(wang, wangLi), await SearchAsync(reader, "name=" + Uri.EscapeDataString("王")));
        Assert.Equal(Sorted(wang), await SearchAsync(reader, "name=" + Uri.EscapeDataString("王小明")));
        Assert.Equal(Sorted(wang), await SearchAsync(reader, "name=" + Uri.EscapeDataString("小明")));
        Assert.Equal(Sorted(wang), await SearchAsync(reader, "name=" + Uri.EscapeDataString("wang xiao")));
        Assert.Equal(Sorted(zhang), await SearchAsync(reader, "name=" + Uri.EscapeDataString("ＺＨＡＮＧ")));
        Assert.Equal(Sorted(wang, zhang), await SearchAsync(reader, $"institution={c.Town}"));
        Assert.Equal(Sorted(wangLi), await SearchAsync(reader, "localId=V-1"));
        Assert.Equal(Sorted(wang), await SearchAsync(town, "localId=T-1"));
        Assert.Empty(await SearchAsync(village, "localId=T-1"));
        Assert.Single(await SearchAsync(reader, $"institution={c.Town}&limit=1&offset=1"));
        await Problems.AssertProblemAsync(await town.GetAsync($"/api/patients?institution={c.Village}"), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await reader.GetAsync($"/api/patients?institution={ApiHost.TownB}"), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await reader.GetAsync("/api/patients?limit=0"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Edits_need_the_current_etag_and_only_staff_of_a_linked_institution_or_admins_edit()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient town = c.ClientAs(c.TownStaff);
        using HttpClient admin = c.ClientAs(c.Admin);
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        using HttpClient village = c.ClientAs(c.VillageDoctor);
        string id = await RegisteredAsync(town, "T-5", "Li^Na");
        var edit = new { name = "Li^Na=李^娜", sex = "F", birthDate = "1980-01-02" };

        await Problems.AssertProblemAsync(await PutAsync(town, id, edit, null), HttpStatusCode.PreconditionRequired);
        await Problems.AssertProblemAsync(await PutAsync(town, id, edit, "\"7\""), HttpStatusCode.PreconditionFailed);
        using (HttpResponseMessage ok = await PutAsync(town, id, edit, "\"1\""))
        {
            Assert.True(ok.StatusCode == HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
            Assert.Equal("\"2\"", ok.Headers.ETag?.ToString());
        }

        // The admin edits against the tag they read before the township's edit: stale.
        await Problems.AssertProblemAsync(await PutAsync(admin, id, new { name = "Li^Na" }, "\"1\""), HttpStatusCode.PreconditionFailed);
        await Problems.AssertProblemAsync(await PutAsync(reader, id, edit, "\"2\""), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await PutAsync(village, id, edit, "\"2\""), HttpStatusCode.Forbidden);
        using (HttpResponseMessage byAdmin = await PutAsync(admin, id, new { name = "Li^Na=李^娜", sex = "F", birthDate = "1980-01-03" }, "\"2\""))
        {
            Assert.True(byAdmin.StatusCode == HttpStatusCode.OK, await byAdmin.Content.ReadAsStringAsync());
        }

        using JsonDocument stored = JsonDocument.Parse(await town.GetStringAsync($"/api/patients/{id}"));
        Assert.Equal("Li^Na=李^娜", stored.RootElement.GetProperty("name").GetString());
        Assert.Equal("1980-01-03", stored.RootElement.GetProperty("birthDate").GetString());
        Assert.Equal(3, stored.RootElement.GetProperty("version").GetInt32());
        Assert.Equal(Sorted(id), await SearchAsync(town, "name=" + Uri.EscapeDataString("李娜")));
    }

    [Fact]
    public async Task Every_read_search_and_change_is_in_the_communitys_audit_log()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient town = c.ClientAs(c.TownStaff);
        using HttpClient village = c.ClientAs(c.VillageDoctor);
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        string id = await RegisteredAsync(town, "T-9", "Sun^Li=孙^丽");
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/api/patients/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/patients?name=" + Uri.EscapeDataString("孙丽"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await village.GetAsync($"/api/patients/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(town, id, new { name = "Sun^Li=孙^丽", sex = "F" }, "*")).StatusCode);

        AuditLog log = host.Services.GetRequiredService<AuditLog>();
        string[] entries = [.. (await log.QueryAsync(new AuditQuery(c.Id, PatientId: id))).Reverse()
            .Select(e => $"{e.UserId} {e.Action} {e.Resource} {e.Outcome}")];
        Assert.Equal(
            [
                $"{c.TownStaff} patient.register patient/{id} ok",
                $"{c.Cardiologist} patient.read patient/{id} ok",
                $"{c.Cardiologist} patient.search community/{c.Id}/patients ok",
                $"{c.VillageDoctor} patient.read patient/{id} denied",
                $"{c.TownStaff} patient.update patient/{id} ok",
            ],
            entries);
    }

    [Fact]
    public async Task A_case_for_a_community_patient_id_needs_that_patient_in_the_callers_community()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        WorkflowCommunity elsewhere = await WorkflowCommunity.CreateAsync(host);
        using HttpClient town = c.ClientAs(c.TownStaff);
        string id = await RegisteredAsync(town, "T-1", "Zhou^Jie");
        string foreign;
        using (HttpClient otherTown = elsewhere.ClientAs(elsewhere.TownStaff))
        {
            foreign = await RegisteredAsync(otherTown, "T-1", "Zhou^Jie");
        }

        async Task<HttpResponseMessage> OpenAsync(string patientId) =>
            await town.PostAsJsonAsync("/api/cases", new { patientId, kind = "EcgRead", priority = "Routine", question = "palpitations" });

        using (HttpResponseMessage ok = await OpenAsync(id))
        {
            Assert.True(ok.StatusCode == HttpStatusCode.Created, await ok.Content.ReadAsStringAsync());
        }

        foreach (string bad in new[] { foreign, "P0000000000000000" })
        {
            using HttpResponseMessage refused = await OpenAsync(bad);
            await Problems.AssertProblemAsync(refused, HttpStatusCode.BadRequest);
            Assert.Contains("\"patientId\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Any other patient id is the institution's own, as before.
        using HttpResponseMessage local = await OpenAsync("T-LOCAL-77");
        Assert.Equal(HttpStatusCode.Created, local.StatusCode);
    }

    [Fact]
    public async Task An_admin_merges_a_duplicate_into_the_patient_and_the_duplicates_local_ids_follow()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient town = c.ClientAs(c.TownStaff);
        using HttpClient village = c.ClientAs(c.VillageDoctor);
        using HttpClient admin = c.ClientAs(c.Admin);
        string kept = await RegisteredAsync(town, "T-1", "Wang^Fang=王^芳");
        string duplicate = await RegisteredAsync(village, "V-1", "王芳");

        async Task<HttpResponseMessage> MergeAsync(HttpClient client, string id, string into, string? ifMatch)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/patients/{id}/merge") { Content = JsonContent.Create(new { intoPatientId = into }) };
            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }

            return await client.SendAsync(request);
        }

        await Problems.AssertProblemAsync(await MergeAsync(village, duplicate, kept, "\"1\""), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await MergeAsync(admin, duplicate, kept, null), HttpStatusCode.PreconditionRequired);
        await Problems.AssertProblemAsync(await MergeAsync(admin, duplicate, "P0000000000000000", "\"1\""), HttpStatusCode.BadRequest);
        using (HttpResponseMessage merged = await MergeAsync(admin, duplicate, kept, "\"1\""))
        {
            string text = await merged.Content.ReadAsStringAsync();
            Assert.True(merged.StatusCode == HttpStatusCode.OK, text);
            Assert.Equal(kept, JsonDocument.Parse(text).RootElement.GetProperty("id").GetString());
        }

        // The village now finds the kept patient under its own local id; the duplicate points there and takes no edits.
        Assert.Equal(Sorted(kept), await SearchAsync(village, "localId=V-1"));
        using JsonDocument retired = JsonDocument.Parse(await admin.GetStringAsync($"/api/patients/{duplicate}"));
        Assert.Equal(kept, retired.RootElement.GetProperty("mergedInto").GetString());
        using HttpResponseMessage edit = await PutAsync(admin, duplicate, new { name = "X" }, "*");
        await Problems.AssertProblemAsync(edit, HttpStatusCode.Conflict);
        Assert.Contains(kept, await edit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(Sorted(kept), await SearchAsync(admin, "name=" + Uri.EscapeDataString("王芳")));
        using HttpResponseMessage caseForDuplicate = await town.PostAsJsonAsync("/api/cases", new { patientId = duplicate, kind = "EcgRead", priority = "Routine", question = "q" });
        await Problems.AssertProblemAsync(caseForDuplicate, HttpStatusCode.BadRequest);
        AuditLog log = host.Services.GetRequiredService<AuditLog>();
        Assert.Contains(await log.QueryAsync(new AuditQuery(c.Id, PatientId: kept)), e => e.Action == "patient.merge" && e.Outcome == "ok" && e.UserId == c.Admin);
        Assert.Contains(await log.QueryAsync(new AuditQuery(c.Id, PatientId: duplicate)), e => e.Action == "patient.merge" && e.Outcome == "ok");
    }

    [Fact]
    public async Task The_openapi_document_lists_the_patient_and_referral_endpoints_with_summaries()
    {
        using HttpClient client = host.CreateClient();
        using JsonDocument document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        JsonElement paths = document.RootElement.GetProperty("paths");
        foreach ((string path, string method) in new[]
        {
            ("/api/patients", "post"), ("/api/patients", "get"), ("/api/patients/{id}", "get"), ("/api/patients/{id}", "put"),
            ("/api/patients/{id}/identifiers", "post"), ("/api/patients/{id}/merge", "post"), ("/api/referrals", "post"), ("/api/referrals", "get"), ("/api/referrals/{id}", "get"),
            ("/api/referrals/{id}/accept", "post"), ("/api/referrals/{id}/decline", "post"), ("/api/referrals/{id}/complete", "post"),
        })
        {
            Assert.True(paths.TryGetProperty(path, out JsonElement operations), path);
            Assert.True(operations.TryGetProperty(method, out JsonElement operation), $"{method} {path}");
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), $"{method} {path}");
        }
    }
}
