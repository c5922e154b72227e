using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Telemed.Storage.Audit;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>
/// GET /api/cases over the catalog's case projection on the real hub: each role sees its scope (staff their
/// institution, readers their community, admins and auditors their community without patient data), filters and
/// paging work, refusals are 403/400, and each call is one audit entry naming filter and count.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CaseListTests(ApiHost host)
{
    private static readonly TimeSpan RoutingTimeout = TimeSpan.FromSeconds(60);

    private static async Task<Guid> OpenAsync(HttpClient staff, string patientId, string priority, string kind = "EcgRead")
    {
        using HttpResponseMessage response = await staff.PostAsJsonAsync("/api/cases", new { patientId, kind, priority, question = "dyspnoea on exertion" });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("caseId").GetGuid();
    }

    private static async Task<(int Total, JsonElement[] Cases)> ListAsync(HttpClient client, string query = "")
    {
        using HttpResponseMessage response = await client.GetAsync("/api/cases" + query);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("total").GetInt32(), [.. body.RootElement.GetProperty("cases").EnumerateArray().Select(e => e.Clone())]);
    }

    private static Guid[] Ids(JsonElement[] cases) => [.. cases.Select(c => c.GetProperty("caseId").GetGuid())];

    [Fact]
    public async Task Each_role_lists_its_scope_with_filters_paging_and_one_audit_entry_per_call()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = c.ClientAs(c.TownStaff);
        using HttpClient doctor = c.ClientAs(c.VillageDoctor);
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        using HttpClient admin = c.ClientAs(c.Admin);
        using HttpClient auditor = c.ClientAs(c.Auditor);
        string patient = "PAT-list-" + c.Id;
        Guid routine = await OpenAsync(staff, patient, "Routine");
        Guid stat = await OpenAsync(staff, patient + "-2", "Stat");
        Guid imaging = await OpenAsync(staff, patient + "-3", "Urgent", "ImagingRead");
        Guid village = await OpenAsync(doctor, patient + "-4", "Urgent");
        Guid[] newestFirst = [village, imaging, stat, routine];

        // The cardiologist is the one on duty: routing gives them both ECG cases; they accept the Stat one.
        var clock = Stopwatch.StartNew();
        while ((await ListAsync(reader, "?mine=true")).Total < 3)
        {
            Assert.True(clock.Elapsed < RoutingTimeout, "the ECG cases did not reach the cardiologist");
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.OK, (await reader.PostAsync($"/api/cases/{stat}/accept", null)).StatusCode);

        // Staff: their institution's requests, newest first, with patient data.
        (int total, JsonElement[] cases) = await ListAsync(staff);
        Assert.Equal(3, total);
        Assert.Equal([imaging, stat, routine], Ids(cases));
        Assert.Equal(patient, cases[2].GetProperty("patientId").GetString());
        Assert.Equal("dyspnoea on exertion", cases[2].GetProperty("clinicalQuestion").GetString());
        Assert.Equal([village], Ids((await ListAsync(doctor)).Cases));
        Assert.Equal([village], Ids((await ListAsync(doctor, $"?institution={c.Village}")).Cases));

        // Readers: the whole community; filters; paging.
        Assert.Equal(newestFirst, Ids((await ListAsync(reader)).Cases));
        Assert.Equal([stat], Ids((await ListAsync(reader, "?status=InProgress")).Cases));
        Assert.Equal([village, stat, routine], Ids((await ListAsync(reader, "?status=inprogress&status=Assigned,New&kind=EcgRead")).Cases));
        Assert.Equal([stat], Ids((await ListAsync(reader, "?priority=Stat")).Cases));
        Assert.Equal([imaging], Ids((await ListAsync(reader, "?specialty=Radiology")).Cases));
        Assert.Equal([routine], Ids((await ListAsync(reader, $"?patient={patient}")).Cases));
        Assert.Equal([imaging, stat, routine], Ids((await ListAsync(reader, $"?institution={c.Town}")).Cases));
        Assert.Equal([village, stat, routine], Ids((await ListAsync(reader, $"?reader={c.Cardiologist}")).Cases));
        Assert.Equal([village, stat, routine], Ids((await ListAsync(reader, "?mine=true")).Cases));
        Assert.Empty((await ListAsync(reader, $"?to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}")).Cases);
        (int pagedTotal, JsonElement[] page1) = await ListAsync(reader, "?limit=2");
        (_, JsonElement[] page2) = await ListAsync(reader, "?limit=2&offset=2");
        Assert.Equal(4, pagedTotal);
        Assert.Equal(newestFirst, Ids(page1).Concat(Ids(page2)));

        // Admins and auditors: the community's cases without patient id or question; no patient filter.
        foreach (HttpClient manager in new[] { admin, auditor })
        {
            (int all, JsonElement[] redacted) = await ListAsync(manager);
            Assert.Equal(4, all);
            Assert.Equal(newestFirst, Ids(redacted));
            Assert.All(redacted, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("patientId").ValueKind));
            Assert.All(redacted, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("clinicalQuestion").ValueKind));
            Assert.Equal(c.Cardiologist, redacted.Single(r => r.GetProperty("caseId").GetGuid() == stat).GetProperty("assignedReaderId").GetString());
            await Problems.AssertProblemAsync(await manager.GetAsync($"/api/cases?patient={patient}"), HttpStatusCode.Forbidden);
        }

        // Outside the scope: another institution for staff, another community for anyone.
        await Problems.AssertProblemAsync(await staff.GetAsync($"/api/cases?institution={c.Village}"), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await reader.GetAsync($"/api/cases?institution={ApiHost.TownB}"), HttpStatusCode.Forbidden);
        using (HttpClient outsider = host.ClientAs("b-cardiologist"))
        {
            await Problems.AssertProblemAsync(await outsider.GetAsync($"/api/cases?institution={c.Town}"), HttpStatusCode.Forbidden);
            (_, JsonElement[] theirs) = await ListAsync(outsider, "?limit=500");
            Assert.DoesNotContain(theirs, e => newestFirst.Contains(e.GetProperty("caseId").GetGuid()));
        }

        // Bad filters are 400 with the field named.
        foreach ((string query, string field) in new[] { ("status=Done", "status"), ("priority=Asap", "priority"), ("limit=501", "limit"), ("offset=-1", "offset"), ("mine=true", "mine") })
        {
            using HttpResponseMessage bad = await staff.GetAsync("/api/cases?" + query);
            await Problems.AssertProblemAsync(bad, HttpStatusCode.BadRequest);
            Assert.Contains($"\"{field}\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // One audit entry per list call, naming the filter and the count; the patient when the filter names one.
        IReadOnlyList<AuditEntry> log = await host.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(c.Id, Limit: 1000));
        AuditEntry staffList = Assert.Single(log, e => e.Action == "cases.list" && e.UserId == c.TownStaff && e.Outcome == "ok");
        Assert.Equal("cases → 3 of 3", staffList.Resource);
        Assert.Null(staffList.PatientId);
        AuditEntry byPatient = Assert.Single(log, e => e.Action == "cases.list" && e.UserId == c.Cardiologist && e.PatientId == patient);
        Assert.Equal($"cases?patient={patient} → 1 of 1", byPatient.Resource);
        Assert.Single(log, e => e.Action == "cases.list" && e.UserId == c.TownStaff && e.Outcome == "denied" && e.Resource == $"cases?institution={c.Village}");
    }
}
