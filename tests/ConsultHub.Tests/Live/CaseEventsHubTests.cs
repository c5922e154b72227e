using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Telemed.ConsultHub.Live.Events;
using Telemed.ConsultHub.Tests.Api;
using Telemed.Grains.Cases;
using Xunit;

namespace Telemed.ConsultHub.Tests.Live;

/// <summary>
/// /hubs/events on the real hub: cases opened and worked over REST reach, live, the people the REST API lets see them
/// (the reader, the requesting institution's staff, the community's admins) and nobody else.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CaseEventsHubTests(ApiHost host)
{
    private static readonly (string, Type)[] Events = [("Case", typeof(CaseEvent)), ("Alert", typeof(AlertEvent)), ("Worklist", typeof(WorklistEvent))];

    internal static async Task<Guid> OpenCaseAsync(HttpClient staff, string patientId, string priority)
    {
        using HttpResponseMessage response = await staff.PostAsJsonAsync("/api/cases", new { patientId, kind = "EcgRead", priority, question = "胸痛 chest pain" });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("caseId").GetGuid();
    }

    [Fact]
    public async Task A_case_opened_over_REST_is_pushed_to_its_reader_staff_and_admin_and_to_nobody_outside_its_scope()
    {
        WorkflowCommunity wf = await WorkflowCommunity.CreateAsync(host);
        WorkflowCommunity other = await WorkflowCommunity.CreateAsync(host);
        await using LiveClient reader = await LiveClient.ConnectAsync(host, "/hubs/events", wf.TokenOf(wf.Cardiologist), Events);
        await using LiveClient staff = await LiveClient.ConnectAsync(host, "/hubs/events", wf.TokenOf(wf.TownStaff), Events);
        await using LiveClient admin = await LiveClient.ConnectAsync(host, "/hubs/events", wf.TokenOf(wf.Admin), Events);
        await using LiveClient otherInstitution = await LiveClient.ConnectAsync(host, "/hubs/events", wf.TokenOf(wf.VillageDoctor), Events);
        await using LiveClient auditor = await LiveClient.ConnectAsync(host, "/hubs/events", wf.TokenOf(wf.Auditor), Events);
        await using LiveClient otherCommunity = await LiveClient.ConnectAsync(host, "/hubs/events", other.TokenOf(other.Cardiologist), Events);
        Assert.Equal([$"user:{wf.Cardiologist}", $"readers:{wf.Id}"], await reader.Connection.InvokeAsync<List<string>>("Subscriptions"));
        Assert.Equal([$"user:{wf.TownStaff}", $"staff:{wf.Id}:{wf.Town}"], await staff.Connection.InvokeAsync<List<string>>("Subscriptions"));
        Assert.Empty(await auditor.Connection.InvokeAsync<List<string>>("Subscriptions"));

        using HttpClient staffApi = wf.ClientAs(wf.TownStaff);
        Guid id = await OpenCaseAsync(staffApi, "PAT-LIVE-1", "Urgent");

        CaseEvent assigned = await reader.WaitForAsync<CaseEvent>("Case", e => e.CaseId == id && e.Change == "assigned");
        Assert.Equal(CaseStatus.Assigned, assigned.Status);
        Assert.Equal(wf.Cardiologist, assigned.AssignedReaderId);
        Assert.Equal(CasePriority.Urgent, assigned.Priority);
        Assert.Equal(CaseKind.EcgRead, assigned.Kind);
        Assert.Equal(wf.Town, assigned.RequestingInstitutionId);
        Assert.Equal(wf.Id, assigned.CommunityId);
        Assert.False(assigned.Urgent);
        Assert.Equal(assigned, await staff.WaitForAsync<CaseEvent>("Case", e => e.CaseId == id && e.Change == "assigned"));
        await admin.WaitForAsync<CaseEvent>("Case", e => e.CaseId == id && e.Change == "assigned");
        await reader.WaitForAsync<WorklistEvent>("Worklist", w => w.ReaderId == wf.Cardiologist && w.OpenCases >= 1);

        // The reader starts reading: the township sees it live.
        using HttpClient readerApi = wf.ClientAs(wf.Cardiologist);
        using (HttpResponseMessage accept = await readerApi.PostAsync($"/api/cases/{id}/accept", null))
        {
            Assert.True(accept.IsSuccessStatusCode, await accept.Content.ReadAsStringAsync());
        }

        CaseEvent accepted = await staff.WaitForAsync<CaseEvent>("Case", e => e.CaseId == id && e.Change == "accepted");
        Assert.Equal(CaseStatus.InProgress, accepted.Status);

        // The other community's reader hears its own community's case, and never saw this one.
        using HttpClient otherStaff = other.ClientAs(other.TownStaff);
        Guid otherId = await OpenCaseAsync(otherStaff, "PAT-LIVE-2", "Routine");
        await otherCommunity.WaitForAsync<CaseEvent>("Case", e => e.CaseId == otherId && e.Change == "assigned");
        Assert.DoesNotContain(otherCommunity.All<CaseEvent>("Case"), e => e.CaseId == id);
        Assert.DoesNotContain(reader.All<CaseEvent>("Case"), e => e.CaseId == otherId);
        Assert.DoesNotContain(otherInstitution.All<CaseEvent>("Case"), e => e.CaseId == id);
        Assert.Empty(auditor.All<CaseEvent>("Case"));
    }

    [Fact]
    public async Task The_township_sees_preliminary_signed_amended_and_cancelled_as_they_happen()
    {
        WorkflowCommunity wf = await WorkflowCommunity.CreateAsync(host);
        await using LiveClient staff = await LiveClient.ConnectAsync(host, "/hubs/events", wf.TokenOf(wf.TownStaff), Events);
        using HttpClient staffApi = wf.ClientAs(wf.TownStaff);
        using HttpClient readerApi = wf.ClientAs(wf.Cardiologist);
        Guid id = await OpenCaseAsync(staffApi, "PAT-LIVE-REPORT", "Routine");
        await staff.WaitForAsync<CaseEvent>("Case", e => e.CaseId == id && e.Change == "assigned");
        await SucceedsAsync(readerApi, HttpMethod.Post, $"/api/cases/{id}/accept", null);

        var draft = new { fields = new Dictionary<string, string> { ["Rhythm"] = "sinus rhythm" }, findings = "no ST changes", impression = "normal ECG" };
        await SucceedsAsync(readerApi, HttpMethod.Put, $"/api/cases/{id}/report", draft, await ReportETagAsync(readerApi, id));
        Assert.Equal(CaseStatus.Preliminary, (await staff.WaitForAsync<CaseEvent>("Case", e => e.CaseId == id && e.Change == "preliminary")).Status);
        await SucceedsAsync(readerApi, HttpMethod.Post, $"/api/cases/{id}/report/sign", null, await ReportETagAsync(readerApi, id));
        Assert.Equal(CaseStatus.Signed, (await staff.WaitForAsync<CaseEvent>("Case", e => e.CaseId == id && e.Change == "signed")).Status);
        await SucceedsAsync(readerApi, HttpMethod.Post, $"/api/cases/{id}/report/amend",
            new { reason = "QTc by hand", fields = new Dictionary<string, string> { ["QTc (ms)"] = "452" } }, await ReportETagAsync(readerApi, id));
        Assert.Equal(CaseStatus.Amended, (await staff.WaitForAsync<CaseEvent>("Case", e => e.CaseId == id && e.Change == "amended")).Status);

        Guid cancelled = await OpenCaseAsync(staffApi, "PAT-LIVE-CANCEL", "Routine");
        await SucceedsAsync(staffApi, HttpMethod.Post, $"/api/cases/{cancelled}/cancel", new { reason = "sent to the county hospital by ambulance" });
        Assert.Equal(CaseStatus.Cancelled, (await staff.WaitForAsync<CaseEvent>("Case", e => e.CaseId == cancelled && e.Change == "cancelled")).Status);
    }

    private static async Task<string> ReportETagAsync(HttpClient client, Guid id)
    {
        using HttpResponseMessage response = await client.GetAsync($"/api/cases/{id}/report");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return response.Headers.ETag?.ToString() ?? throw new Xunit.Sdk.XunitException("no ETag");
    }

    private static async Task SucceedsAsync(HttpClient client, HttpMethod method, string url, object? body, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body ?? new { }) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        using HttpResponseMessage response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task A_reconnecting_client_gets_the_events_it_missed_in_order_and_only_those_it_may_see()
    {
        WorkflowCommunity wf = await WorkflowCommunity.CreateAsync(host);
        await using LiveClient admin = await LiveClient.ConnectAsync(host, "/hubs/events", wf.TokenOf(wf.Admin), Events);
        using HttpClient staffApi = wf.ClientAs(wf.TownStaff);
        Guid id;
        CaseEvent lastSeen;
        await using (LiveClient staff = await LiveClient.ConnectAsync(host, "/hubs/events", wf.TokenOf(wf.TownStaff), Events))
        {
            id = await OpenCaseAsync(staffApi, "PAT-LIVE-MISSED", "Routine");
            using HttpClient villageApi = wf.ClientAs(wf.VillageDoctor);
            await OpenCaseAsync(villageApi, "PAT-LIVE-EARLIER", "Routine");
            lastSeen = await staff.WaitForAsync<CaseEvent>("Case", e => e.CaseId == id && e.Change == "assigned");
            Assert.True(lastSeen.Sequence > 0 && lastSeen.Epoch != Guid.Empty);
        }

        // While the township is away: the reader accepts its case, and the village clinic opens one of its own.
        using HttpClient readerApi = wf.ClientAs(wf.Cardiologist);
        await SucceedsAsync(readerApi, HttpMethod.Post, $"/api/cases/{id}/accept", null);
        using HttpClient village = wf.ClientAs(wf.VillageDoctor);
        Guid villageCase = await OpenCaseAsync(village, "PAT-LIVE-VILLAGE", "Routine");
        await admin.WaitForAsync<CaseEvent>("Case", e => e.CaseId == id && e.Change == "accepted");
        await admin.WaitForAsync<CaseEvent>("Case", e => e.CaseId == villageCase && e.Change == "assigned");

        await using LiveClient back = await LiveClient.ConnectAsync(host, "/hubs/events", wf.TokenOf(wf.TownStaff), Events);
        MissedEvents missed = await back.Connection.InvokeAsync<MissedEvents>("Missed", lastSeen.Epoch, lastSeen.Sequence);
        Assert.True(missed.Complete);
        Assert.Equal(lastSeen.Epoch, missed.Epoch);
        Assert.Equal("accepted", Assert.Single(missed.Cases).Change);
        Assert.Equal(id, missed.Cases[0].CaseId);
        Assert.True(missed.Cases[0].Sequence > lastSeen.Sequence && missed.LastSequence >= missed.Cases[0].Sequence);
        Assert.Empty(missed.Alerts);

        // The admin, who sees the whole community, gets both cases' events, in feed order.
        MissedEvents all = await admin.Connection.InvokeAsync<MissedEvents>("Missed", lastSeen.Epoch, lastSeen.Sequence);
        Assert.Contains(all.Cases, e => e.CaseId == villageCase);
        Assert.Equal(all.Cases.Select(e => e.Sequence).Order(), all.Cases.Select(e => e.Sequence));

        // A position from another feed activation cannot be resumed: the client must reload.
        Assert.False((await back.Connection.InvokeAsync<MissedEvents>("Missed", Guid.NewGuid(), 0L)).Complete);
    }

    [Fact]
    public async Task A_stat_case_raises_an_urgent_alert_for_its_reader()
    {
        WorkflowCommunity wf = await WorkflowCommunity.CreateAsync(host);
        await using LiveClient reader = await LiveClient.ConnectAsync(host, "/hubs/events", wf.TokenOf(wf.Cardiologist), Events);
        await using LiveClient staff = await LiveClient.ConnectAsync(host, "/hubs/events", wf.TokenOf(wf.TownStaff), Events);

        using HttpClient staffApi = wf.ClientAs(wf.TownStaff);
        Guid id = await OpenCaseAsync(staffApi, "PAT-LIVE-STAT", "Stat");

        AlertEvent alert = await reader.WaitForAsync<AlertEvent>("Alert", a => a.CaseId == id);
        Assert.Equal("StatCase", alert.Kind);
        Assert.True(alert.Urgent);
        CaseEvent assigned = await staff.WaitForAsync<CaseEvent>("Case", e => e.CaseId == id && e.Change == "assigned");
        Assert.True(assigned.Urgent);
        Assert.Equal(CasePriority.Stat, assigned.Priority);
        // Alerts are addressed: the township's staff are not paged.
        Assert.DoesNotContain(staff.All<AlertEvent>("Alert"), a => a.CaseId == id);
    }

    [Fact]
    public async Task A_connection_without_credentials_is_refused()
    {
        await using HubConnection anonymous = LiveClient.Build(host, "/hubs/events", token: null);
        await Assert.ThrowsAnyAsync<Exception>(() => anonymous.StartAsync());
        await using HubConnection forged = LiveClient.Build(host, "/hubs/consult", token: "tm_not-a-token");
        await Assert.ThrowsAnyAsync<Exception>(() => forged.StartAsync());
    }
}
