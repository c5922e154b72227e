using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>
/// GET /api/dashboard on the real hub: a case opened, accepted and signed through the API shows in its institution's
/// figures (grain → case_records → dashboard); each role gets its scope. The figures themselves are checked against
/// known times in Storage.Orleans.Tests' CaseCatalogScenarios.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DashboardTests(ApiHost host)
{
    private static readonly TimeSpan RoutingTimeout = TimeSpan.FromSeconds(60);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object? body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body ?? new { }) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> DashboardAsync(HttpClient client, string query = "")
    {
        using HttpResponseMessage response = await client.GetAsync("/api/dashboard" + query);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static JsonElement Row(JsonElement dashboard, string institution) =>
        Assert.Single(dashboard.GetProperty("institutions").EnumerateArray(), r => r.GetProperty("institutionId").GetString() == institution);

    [Fact]
    public async Task A_signed_case_counts_in_its_institutions_figures_and_each_role_sees_its_scope()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = c.ClientAs(c.TownStaff);
        using HttpClient doctor = c.ClientAs(c.VillageDoctor);
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        using HttpClient admin = c.ClientAs(c.Admin);
        using HttpClient auditor = c.ClientAs(c.Auditor);

        using HttpResponseMessage opened = await staff.PostAsJsonAsync("/api/cases", new { patientId = "PAT-dash-" + c.Id, kind = "EcgRead", priority = "Urgent", question = "syncope" });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        Guid id = JsonDocument.Parse(await opened.Content.ReadAsStringAsync()).RootElement.GetProperty("caseId").GetGuid();
        using HttpResponseMessage villageOpened = await doctor.PostAsJsonAsync("/api/cases", new { patientId = "PAT-dash-v-" + c.Id, kind = "EcgRead", priority = "Routine", question = "palpitations" });
        Assert.Equal(HttpStatusCode.Created, villageOpened.StatusCode);

        // The reader accepts, drafts and signs the township's case.
        var clock = Stopwatch.StartNew();
        while (!(await reader.GetStringAsync("/api/worklist")).Contains(id.ToString(), StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < RoutingTimeout, $"case {id} not on the worklist");
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.OK, (await reader.PostAsync($"/api/cases/{id}/accept", null)).StatusCode);
        using (HttpResponseMessage report = await reader.GetAsync($"/api/cases/{id}/report"))
        using (HttpResponseMessage drafted = await SendAsync(reader, HttpMethod.Put, $"/api/cases/{id}/report",
            new { findings = "sinus rhythm", impression = "normal ECG" }, report.Headers.ETag!.ToString()))
        {
            Assert.True(drafted.IsSuccessStatusCode, await drafted.Content.ReadAsStringAsync());
        }

        using (HttpResponseMessage report = await reader.GetAsync($"/api/cases/{id}/report"))
        using (HttpResponseMessage signed = await SendAsync(reader, HttpMethod.Post, $"/api/cases/{id}/report/sign", null, report.Headers.ETag!.ToString()))
        {
            Assert.True(signed.IsSuccessStatusCode, await signed.Content.ReadAsStringAsync());
        }

        // Staff: their own institution only, named or not.
        JsonElement own = await DashboardAsync(staff);
        JsonElement town = Row(own, c.Town);
        Assert.Single(own.GetProperty("institutions").EnumerateArray());
        Assert.Equal(1, town.GetProperty("cases").GetInt32());
        Assert.Equal(1, town.GetProperty("byStatus").GetProperty("Signed").GetInt32());
        Assert.Equal(1, town.GetProperty("byPriority").GetProperty("Urgent").GetInt32());
        Assert.Equal(1, town.GetProperty("requestToSigned").GetProperty("cases").GetInt32());
        Assert.True(town.GetProperty("requestToSigned").GetProperty("medianMinutes").GetDouble() >= 0);
        Assert.Equal(1, town.GetProperty("assignedToSigned").GetProperty("cases").GetInt32());
        JsonElement urgent = Assert.Single(town.GetProperty("sla").EnumerateArray(), s => s.GetProperty("priority").GetString() == "Urgent");
        Assert.Equal(1, urgent.GetProperty("signed").GetInt32());
        Assert.Equal(1, urgent.GetProperty("signedWithinSla").GetInt32());
        Assert.Equal(100, urgent.GetProperty("percentWithinSla").GetDouble());
        Assert.Equal(c.Town, Row(await DashboardAsync(staff, $"?institution={c.Town}"), c.Town).GetProperty("institutionId").GetString());
        await Problems.AssertProblemAsync(await staff.GetAsync($"/api/dashboard?institution={c.Village}"), HttpStatusCode.Forbidden);

        // Admins, auditors and readers: the community (both institutions), or one institution of it.
        foreach (HttpClient client in new[] { admin, auditor, reader })
        {
            JsonElement community = await DashboardAsync(client);
            Assert.Equal([c.Town, c.Village], community.GetProperty("institutions").EnumerateArray().Select(r => r.GetProperty("institutionId").GetString()).Order(StringComparer.Ordinal));
            Assert.Equal(2, community.GetProperty("overall").GetProperty("cases").GetInt32());
            Assert.Equal(1, Row(await DashboardAsync(client, $"?institution={c.Village}"), c.Village).GetProperty("byPriority").GetProperty("Routine").GetInt32());
            await Problems.AssertProblemAsync(await client.GetAsync($"/api/dashboard?institution={ApiHost.TownB}"), HttpStatusCode.Forbidden);
        }

        // A period before the cases has none; a period that is not one is 400.
        string past = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-3).ToString("O"));
        string earlier = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-2).ToString("O"));
        Assert.Equal(0, (await DashboardAsync(admin, $"?from={past}&to={earlier}")).GetProperty("overall").GetProperty("cases").GetInt32());
        await Problems.AssertProblemAsync(await admin.GetAsync($"/api/dashboard?from={earlier}&to={past}"), HttpStatusCode.BadRequest);

        // Another community's admin cannot aim at this one.
        using HttpClient outsider = host.ClientAs("b-admin");
        await Problems.AssertProblemAsync(await outsider.GetAsync($"/api/dashboard?institution={c.Town}"), HttpStatusCode.Forbidden);
        Assert.DoesNotContain(c.Town, (await DashboardAsync(outsider)).ToString(), StringComparison.Ordinal);
    }
}
