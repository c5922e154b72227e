using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Telemed.Storage.Audit;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>
/// A case's ETag (GET /api/cases/{id}) advances with every change, and accept, reassign and cancel honour If-Match when
/// it is sent: a stale tag is 412 and changes nothing; without If-Match they act as before.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CaseETagTests(ApiHost host)
{
    private static readonly TimeSpan RoutingTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The new case and its tag as opened (routing assigns it after, in the background).</summary>
    private static async Task<(Guid Id, string ETag)> OpenAsync(HttpClient staff, string patientId)
    {
        using HttpResponseMessage response = await staff.PostAsJsonAsync("/api/cases", new { patientId, kind = "EcgRead", priority = "Urgent", question = "palpitations" });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal($"\"{body.RootElement.GetProperty("history").GetArrayLength()}\"", response.Headers.ETag?.ToString());
        return (body.RootElement.GetProperty("caseId").GetGuid(), response.Headers.ETag!.ToString());
    }

    private static async Task<(string Status, string? Reader, string ETag)> ReadAsync(HttpClient client, Guid id)
    {
        using HttpResponseMessage response = await client.GetAsync($"/api/cases/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        string etag = response.Headers.ETag?.ToString() ?? throw new Xunit.Sdk.XunitException("no ETag on GET /api/cases/{id}");
        // The tag is the history's length (a strong tag: If-Match compares strongly).
        Assert.False(response.Headers.ETag!.IsWeak);
        Assert.Equal($"\"{body.RootElement.GetProperty("history").GetArrayLength()}\"", etag);
        return (body.RootElement.GetProperty("status").GetString()!,
            body.RootElement.GetProperty("assignedReaderId").GetString(), etag);
    }

    private static async Task<string> WaitAssignedAsync(HttpClient client, Guid id)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            (string status, _, string etag) = await ReadAsync(client, id);
            if (status == "Assigned")
            {
                return etag;
            }

            Assert.True(clock.Elapsed < RoutingTimeout, $"case {id} still {status} after {RoutingTimeout}");
            await Task.Delay(100);
        }
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, object? body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body ?? new { }) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Accept_and_cancel_with_a_stale_if_match_are_412_and_change_nothing_and_the_current_tag_acts()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = c.ClientAs(c.TownStaff);
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        (Guid id, string opened) = await OpenAsync(staff, "PAT-etag-" + c.Id);
        string assigned = await WaitAssignedAsync(reader, id);
        Assert.NotEqual(opened, assigned);

        // The reader accepts against the tag from before routing assigned it: refused, still Assigned.
        await Problems.AssertProblemAsync(await PostAsync(reader, $"/api/cases/{id}/accept", null, opened), HttpStatusCode.PreconditionFailed);
        Assert.Equal(("Assigned", assigned), await StatusAndTagAsync(reader, id));

        using HttpResponseMessage accepted = await PostAsync(reader, $"/api/cases/{id}/accept", null, assigned);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        string afterAccept = accepted.Headers.ETag?.ToString() ?? throw new Xunit.Sdk.XunitException("no ETag on accept");
        Assert.NotEqual(assigned, afterAccept);
        Assert.Equal(("InProgress", afterAccept), await StatusAndTagAsync(reader, id));

        // The township cancels what it saw before the accept: refused; with the current tag (or "*"): cancelled.
        await Problems.AssertProblemAsync(await PostAsync(staff, $"/api/cases/{id}/cancel", new { reason = "patient left" }, assigned), HttpStatusCode.PreconditionFailed);
        await Problems.AssertProblemAsync(await PostAsync(staff, $"/api/cases/{id}/cancel", new { reason = "patient left" }, $"W/{afterAccept}"), HttpStatusCode.PreconditionFailed);
        Assert.Equal(("InProgress", afterAccept), await StatusAndTagAsync(staff, id));
        using HttpResponseMessage cancelled = await PostAsync(staff, $"/api/cases/{id}/cancel", new { reason = "patient left" }, $"\"999\", {afterAccept}");
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("Cancelled", (await StatusAndTagAsync(staff, id)).Status);

        // Each refusal is in the audit log as "stale".
        IReadOnlyList<AuditEntry> entries = await host.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(c.Id, Limit: 1000));
        Assert.Equal(3, entries.Count(e => e.Resource == $"case/{id}" && e.Outcome == "stale"));
        Assert.Single(entries, e => e.Resource == $"case/{id}" && e.Action == "case.accept" && e.Outcome == "stale" && e.UserId == c.Cardiologist);
    }

    [Fact]
    public async Task Reassign_with_a_stale_if_match_is_412_and_without_one_acts_as_before()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = c.ClientAs(c.TownStaff);
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        using HttpClient admin = c.ClientAs(c.Admin);
        await host.Services.GetRequiredService<IGrainFactory>().GetGrain<Telemed.Grains.Readers.IReaderGrain>(c.ThirdCardiologist).StartDutyAsync();
        (Guid id, string opened) = await OpenAsync(staff, "PAT-etag-r-" + c.Id);
        // The admin manages the case but reads no patient data: the reader's view stands for what the admin saw.
        string assigned = await WaitAssignedAsync(reader, id);
        Assert.NotEqual(opened, assigned);
        (_, string? first, _) = await ReadAsync(reader, id);
        string to = first == c.Cardiologist ? c.ThirdCardiologist : c.Cardiologist;

        await Problems.AssertProblemAsync(
            await PostAsync(admin, $"/api/cases/{id}/reassign", new { reason = "load", readerId = to }, opened), HttpStatusCode.PreconditionFailed);
        Assert.Equal(("Assigned", assigned), await StatusAndTagAsync(reader, id));

        // No If-Match: the request goes ahead as it always did.
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(admin, $"/api/cases/{id}/reassign", new { reason = "load", readerId = to }, null)).StatusCode);
        var clock = Stopwatch.StartNew();
        while ((await ReadAsync(reader, id)).Reader != to)
        {
            Assert.True(clock.Elapsed < RoutingTimeout, $"case {id} not moved to {to}");
            await Task.Delay(100);
        }

        Assert.NotEqual(assigned, (await ReadAsync(reader, id)).ETag);
    }

    private static async Task<(string Status, string ETag)> StatusAndTagAsync(HttpClient client, Guid id)
    {
        (string status, _, string etag) = await ReadAsync(client, id);
        return (status, etag);
    }
}
