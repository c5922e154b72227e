using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>
/// The case and report endpoints end to end on the real hub: a township opens a case, routing puts it on the on-duty
/// cardiologist's worklist, who accepts, drafts, signs and amends it against the report's ETag; the township prints
/// it. Refusals: 409 for steps the case's status does not allow, 412/428 for stale or missing If-Match, 403 outside scope.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CaseWorkflowTests(ApiHost host)
{
    private static readonly TimeSpan RoutingTimeout = TimeSpan.FromSeconds(60);

    private static async Task<Guid> OpenCaseAsync(HttpClient staff, string patientId, string question = "胸痛2小时 chest pain for 2 hours")
    {
        using HttpResponseMessage response = await staff.PostAsJsonAsync("/api/cases", new { patientId, kind = "EcgRead", priority = "Urgent", question });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Guid id = body.RootElement.GetProperty("caseId").GetGuid();
        Assert.Equal($"/api/cases/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(patientId, body.RootElement.GetProperty("patientId").GetString());
        Assert.Equal("Cardiology", body.RootElement.GetProperty("specialty").GetString());
        return id;
    }

    /// <summary>Routing is asynchronous (one-way calls): poll the reader's worklist until the case is on it.</summary>
    private static async Task WaitOnWorklistAsync(HttpClient reader, Guid id)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string worklist = await reader.GetStringAsync("/api/worklist");
            if (worklist.Contains(id.ToString(), StringComparison.Ordinal))
            {
                return;
            }

            Assert.True(clock.Elapsed < RoutingTimeout, $"case {id} not on the worklist after {RoutingTimeout}: {worklist}");
            await Task.Delay(100);
        }
    }

    private static async Task<(JsonElement Report, string ETag)> GetReportAsync(HttpClient client, Guid id)
    {
        using HttpResponseMessage response = await client.GetAsync($"/api/cases/{id}/report");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        string etag = response.Headers.ETag?.ToString() ?? throw new Xunit.Sdk.XunitException("no ETag");
        JsonElement report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.Equal(etag, report.GetProperty("eTag").GetString());
        return (report, etag);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object? body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body ?? new { }) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    private static object Draft(string findings, string impression) => new
    {
        fields = new Dictionary<string, string> { ["Rhythm"] = "窦性心律 sinus rhythm", ["Heart rate (bpm)"] = "72" },
        findings,
        impression,
    };

    private static async Task<string> StatusAsync(HttpClient client, Guid id)
    {
        using JsonDocument view = JsonDocument.Parse(await client.GetStringAsync($"/api/cases/{id}"));
        return view.RootElement.GetProperty("status").GetString()!;
    }

    [Fact]
    public async Task Township_opens_cardiologist_accepts_drafts_signs_amends_and_the_township_prints_both_versions()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = c.ClientAs(c.TownStaff);
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        using HttpClient auditor = c.ClientAs(c.Auditor);
        string patient = "PAT-" + c.Id;
        Guid id = await OpenCaseAsync(staff, patient);
        await WaitOnWorklistAsync(reader, id);

        using (HttpResponseMessage accepted = await reader.PostAsync($"/api/cases/{id}/accept", null))
        {
            Assert.True(accepted.StatusCode == HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        }

        Assert.Equal("InProgress", await StatusAsync(staff, id));
        (JsonElement empty, string etag0) = await GetReportAsync(reader, id);
        Assert.Equal(0, empty.GetProperty("versions").GetArrayLength());

        using (HttpResponseMessage drafted = await SendAsync(reader, HttpMethod.Put, $"/api/cases/{id}/report",
            Draft("ST段无抬高 <no ST elevation> & normal axis", "正常心电图 normal ECG"), etag0))
        {
            Assert.True(drafted.StatusCode == HttpStatusCode.OK, await drafted.Content.ReadAsStringAsync());
        }

        (JsonElement draft, string etag1) = await GetReportAsync(staff, id);
        Assert.NotEqual(etag0, etag1);
        Assert.Equal("Preliminary", draft.GetProperty("caseStatus").GetString());
        Assert.Equal("RestingEcg", draft.GetProperty("draft").GetProperty("template").GetString());
        Assert.Contains(draft.GetProperty("draft").GetProperty("fields").EnumerateArray(),
            f => f.GetProperty("name").GetString() == "Heart rate (bpm)" && f.GetProperty("value").GetString() == "72");

        DateTimeOffset beforeSign = DateTimeOffset.UtcNow.AddSeconds(-5);
        using (HttpResponseMessage signed = await SendAsync(reader, HttpMethod.Post, $"/api/cases/{id}/report/sign", null, etag1))
        {
            Assert.True(signed.StatusCode == HttpStatusCode.OK, await signed.Content.ReadAsStringAsync());
        }

        (JsonElement v1, string etag2) = await GetReportAsync(reader, id);
        JsonElement current = v1.GetProperty("current");
        Assert.Equal(1, current.GetProperty("number").GetInt32());
        Assert.Equal(c.Cardiologist, current.GetProperty("signedBy").GetString());
        Assert.True(current.GetProperty("signedAt").GetDateTimeOffset() >= beforeSign);
        Assert.Equal("Signed", await StatusAsync(staff, id));

        using (HttpResponseMessage amended = await SendAsync(reader, HttpMethod.Post, $"/api/cases/{id}/report/amend", new
        {
            reason = "补充QTc measured by hand",
            fields = new Dictionary<string, string> { ["QTc (ms)"] = "452" },
            impression = "QTc延长 borderline long QTc",
        }, etag2))
        {
            Assert.True(amended.StatusCode == HttpStatusCode.OK, await amended.Content.ReadAsStringAsync());
        }

        (JsonElement v2, _) = await GetReportAsync(staff, id);
        JsonElement[] versions = [.. v2.GetProperty("versions").EnumerateArray()];
        Assert.Equal([1, 2], versions.Select(v => v.GetProperty("number").GetInt32()));
        Assert.Equal("正常心电图 normal ECG", versions[0].GetProperty("content").GetProperty("impression").GetString());
        Assert.Equal("QTc延长 borderline long QTc", versions[1].GetProperty("content").GetProperty("impression").GetString());
        Assert.Equal("补充QTc measured by hand", versions[1].GetProperty("amendmentReason").GetString());
        Assert.Equal("Amended", await StatusAsync(staff, id));

        using HttpResponseMessage printed = await staff.GetAsync($"/api/cases/{id}/report.html");
        Assert.Equal(HttpStatusCode.OK, printed.StatusCode);
        Assert.Equal("text/html", printed.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", printed.Content.Headers.ContentType?.CharSet);
        string html = await printed.Content.ReadAsStringAsync();
        Assert.Contains(WorkflowCommunity.CardiologistName, html, StringComparison.Ordinal);
        Assert.Contains("东村镇卫生院 Dongcun Township Centre", html, StringComparison.Ordinal);
        Assert.Contains("ST段无抬高 &lt;no ST elevation&gt; &amp; normal axis", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<no ST elevation>", html, StringComparison.Ordinal);
        Assert.Contains("QTc延长 borderline long QTc", html, StringComparison.Ordinal);
        Assert.Contains("正常心电图 normal ECG", html, StringComparison.Ordinal); // version 1 in the history
        Assert.Contains("补充QTc measured by hand", html, StringComparison.Ordinal);
        Assert.Contains(current.GetProperty("signedAt").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), html, StringComparison.Ordinal);

        using HttpResponseMessage log = await auditor.GetAsync($"/api/audit?patient={patient}&limit=1000");
        Assert.Equal(HttpStatusCode.OK, log.StatusCode);
        JsonElement[] entries = [.. JsonDocument.Parse(await log.Content.ReadAsStringAsync()).RootElement.EnumerateArray()];
        string[] Actions(string user) => [.. entries.Where(e => e.GetProperty("userId").GetString() == user && e.GetProperty("outcome").GetString() == "ok")
            .Select(e => e.GetProperty("action").GetString()!).Distinct().Order(StringComparer.Ordinal)];
        Assert.Equal(["case.open", "case.read", "report.print", "report.read"], Actions(c.TownStaff));
        Assert.Equal(["case.accept", "report.amend", "report.draft", "report.read", "report.sign", "worklist.read"], Actions(c.Cardiologist));
        Assert.All(entries, e => Assert.Equal(patient, e.GetProperty("patientId").GetString()));
    }

    [Fact]
    public async Task Steps_the_status_does_not_allow_are_409_and_stale_or_missing_etags_412_and_428()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = c.ClientAs(c.TownStaff);
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        Guid id = await OpenCaseAsync(staff, "PAT-409-" + c.Id);
        await WaitOnWorklistAsync(reader, id);
        (_, string etag0) = await GetReportAsync(reader, id);

        // Before accepting: no draft to sign, no draft to save.
        await Problems.AssertProblemAsync(await SendAsync(reader, HttpMethod.Post, $"/api/cases/{id}/report/sign", null, etag0), HttpStatusCode.Conflict);
        using (HttpResponseMessage early = await SendAsync(reader, HttpMethod.Put, $"/api/cases/{id}/report", Draft("f", "i"), etag0))
        {
            await Problems.AssertProblemAsync(early, HttpStatusCode.Conflict);
            Assert.Contains("Assigned", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await reader.PostAsync($"/api/cases/{id}/accept", null)).StatusCode);
        await Problems.AssertProblemAsync(await reader.PostAsync($"/api/cases/{id}/accept", null), HttpStatusCode.Conflict);

        // If-Match: required, and must be current.
        await Problems.AssertProblemAsync(await SendAsync(reader, HttpMethod.Put, $"/api/cases/{id}/report", Draft("f", "i"), null), HttpStatusCode.PreconditionRequired);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(reader, HttpMethod.Put, $"/api/cases/{id}/report", Draft("first", "impression one"), etag0)).StatusCode);
        await Problems.AssertProblemAsync(await SendAsync(reader, HttpMethod.Put, $"/api/cases/{id}/report", Draft("lost update", "x"), etag0), HttpStatusCode.PreconditionFailed);
        await Problems.AssertProblemAsync(await SendAsync(reader, HttpMethod.Post, $"/api/cases/{id}/report/sign", null, etag0), HttpStatusCode.PreconditionFailed);
        (JsonElement kept, string etag1) = await GetReportAsync(reader, id);
        Assert.Equal("first", kept.GetProperty("draft").GetProperty("findings").GetString());

        // An unknown field of the template is a bad request, and changes nothing.
        await Problems.AssertProblemAsync(await SendAsync(reader, HttpMethod.Put, $"/api/cases/{id}/report",
            new { fields = new Dictionary<string, string> { ["No such field"] = "1" } }, etag1), HttpStatusCode.BadRequest);
        Assert.Equal(etag1, (await GetReportAsync(reader, id)).ETag);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(reader, HttpMethod.Post, $"/api/cases/{id}/report/sign", null, etag1)).StatusCode);
        (_, string etag2) = await GetReportAsync(reader, id);
        using (HttpResponseMessage twice = await SendAsync(reader, HttpMethod.Post, $"/api/cases/{id}/report/sign", null, etag2))
        {
            await Problems.AssertProblemAsync(twice, HttpStatusCode.Conflict);
            Assert.Contains("no draft to sign", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await Problems.AssertProblemAsync(await SendAsync(reader, HttpMethod.Put, $"/api/cases/{id}/report", Draft("after", "signing"), etag2), HttpStatusCode.Conflict);
        await Problems.AssertProblemAsync(await SendAsync(reader, HttpMethod.Post, $"/api/cases/{id}/report/amend", new { impression = "no reason given" }, etag2), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await SendAsync(staff, HttpMethod.Post, $"/api/cases/{id}/cancel", new { reason = "too late" }, null), HttpStatusCode.Conflict);
        Assert.Equal(1, (await GetReportAsync(reader, id)).Report.GetProperty("versions").GetArrayLength());
    }

    [Fact]
    public async Task Of_two_concurrent_saves_against_the_same_etag_exactly_one_wins()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = c.ClientAs(c.TownStaff);
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        Guid id = await OpenCaseAsync(staff, "PAT-race-" + c.Id);
        await WaitOnWorklistAsync(reader, id);
        Assert.Equal(HttpStatusCode.OK, (await reader.PostAsync($"/api/cases/{id}/accept", null)).StatusCode);
        (_, string etag) = await GetReportAsync(reader, id);

        HttpResponseMessage[] responses = await Task.WhenAll(
            Enumerable.Range(0, 6).Select(i => SendAsync(reader, HttpMethod.Put, $"/api/cases/{id}/report", Draft($"writer {i}", "impression"), etag)));
        try
        {
            HttpResponseMessage winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            Assert.All(responses.Where(r => r != winner), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));
            string won = JsonDocument.Parse(await winner.Content.ReadAsStringAsync()).RootElement.GetProperty("draft").GetProperty("findings").GetString()!;
            (JsonElement stored, string after) = await GetReportAsync(reader, id);
            Assert.Equal(won, stored.GetProperty("draft").GetProperty("findings").GetString());
            Assert.Equal(winner.Headers.ETag?.ToString(), after);
        }
        finally
        {
            foreach (HttpResponseMessage response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Only_the_requesting_institution_and_the_assigned_reader_act_and_nobody_crosses_communities()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = c.ClientAs(c.TownStaff);
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        using HttpClient otherReader = c.ClientAs(c.OffDutyCardiologist);
        using HttpClient villageDoctor = c.ClientAs(c.VillageDoctor);
        using HttpClient auditor = c.ClientAs(c.Auditor);
        using HttpClient otherCommunityReader = host.ClientAs("b-cardiologist");
        using HttpClient otherCommunityAdmin = host.ClientAs("b-admin");
        string patient = "PAT-403-" + c.Id;
        Guid id = await OpenCaseAsync(staff, patient);
        await WaitOnWorklistAsync(reader, id);

        // Readers and admins do not open cases; staff link only their own institution's studies.
        await Problems.AssertProblemAsync(await reader.PostAsJsonAsync("/api/cases", new { patientId = "P", kind = "EcgRead", priority = "Routine", question = "q" }), HttpStatusCode.Forbidden);
        using (HttpResponseMessage foreignStudy = await staff.PostAsJsonAsync("/api/cases", new
        {
            patientId = "P", kind = "EcgRead", priority = "Routine", question = "q", studyInstanceUids = new[] { "2.25." + BitConverter.ToUInt64(host.CaseAt[ApiHost.TownA].ToByteArray()) },
        }))
        {
            await Problems.AssertProblemAsync(foreignStudy, HttpStatusCode.BadRequest);
            Assert.Contains("studyInstanceUids", await foreignStudy.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await Problems.AssertProblemAsync(await staff.PostAsJsonAsync("/api/cases", new { patientId = "P", kind = "EcgRead", priority = "Routine", question = " " }), HttpStatusCode.BadRequest);

        // Another institution of the same community, and another community, see nothing.
        await Problems.AssertProblemAsync(await villageDoctor.GetAsync($"/api/cases/{id}/report"), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await villageDoctor.GetAsync($"/api/cases/{id}/report.html"), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await villageDoctor.PostAsJsonAsync($"/api/cases/{id}/cancel", new { reason = "not mine" }), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await otherCommunityReader.GetAsync($"/api/cases/{id}/report"), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await otherCommunityReader.PostAsync($"/api/cases/{id}/accept", null), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await otherCommunityAdmin.PostAsJsonAsync($"/api/cases/{id}/cancel", new { reason = "not ours" }), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await otherCommunityAdmin.PostAsJsonAsync($"/api/cases/{id}/reassign", new { reason = "not ours" }), HttpStatusCode.Forbidden);

        // A reader of the community reads the case but does not work on one assigned to someone else.
        (_, string etag) = await GetReportAsync(otherReader, id);
        await Problems.AssertProblemAsync(await otherReader.PostAsync($"/api/cases/{id}/accept", null), HttpStatusCode.Conflict);
        await Problems.AssertProblemAsync(await SendAsync(otherReader, HttpMethod.Put, $"/api/cases/{id}/report", Draft("f", "i"), etag), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await otherReader.PostAsJsonAsync($"/api/cases/{id}/reassign", new { reason = "mine now" }), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await staff.PostAsJsonAsync($"/api/cases/{id}/cancel", new { reason = " " }), HttpStatusCode.BadRequest);
        Assert.Equal("Assigned", await StatusAsync(staff, id));

        // The requesting institution cancels; a second cancel is a conflict.
        using (HttpResponseMessage cancelled = await staff.PostAsJsonAsync($"/api/cases/{id}/cancel", new { reason = "患者已转院 patient transferred" }))
        {
            Assert.True(cancelled.StatusCode == HttpStatusCode.OK, await cancelled.Content.ReadAsStringAsync());
            Assert.Contains("\"Cancelled\"", await cancelled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await Problems.AssertProblemAsync(await staff.PostAsJsonAsync($"/api/cases/{id}/cancel", new { reason = "again" }), HttpStatusCode.Conflict);
        Assert.DoesNotContain(id.ToString(), await reader.GetStringAsync("/api/worklist"), StringComparison.Ordinal);

        // Every attempt is in the log: the refused ones too, from the other community as well.
        JsonElement[] entries = [.. JsonDocument.Parse(await auditor.GetStringAsync($"/api/audit?patient={patient}&limit=1000")).RootElement.EnumerateArray()];
        bool Has(string user, string action, string outcome) => entries.Any(e => e.GetProperty("userId").GetString() == user
            && e.GetProperty("action").GetString() == action && e.GetProperty("outcome").GetString() == outcome);
        Assert.True(Has(c.VillageDoctor, "report.read", "denied"));
        Assert.True(Has(c.VillageDoctor, "report.print", "denied"));
        Assert.True(Has(c.VillageDoctor, "case.cancel", "denied"));
        Assert.True(Has("b-cardiologist", "report.read", "denied"));
        Assert.True(Has("b-cardiologist", "case.accept", "denied"));
        Assert.True(Has("b-admin", "case.cancel", "denied"));
        Assert.True(Has(c.OffDutyCardiologist, "report.read", "ok"));
        Assert.True(Has(c.OffDutyCardiologist, "report.draft", "denied"));
        Assert.True(Has(c.TownStaff, "case.cancel", "ok"));
        Assert.True(Has(c.TownStaff, "case.cancel", "refused"));
        Assert.True(Has(c.TownStaff, "case.cancel", "invalid"));
    }

    [Fact]
    public async Task The_assigned_reader_hands_an_unaccepted_case_back_and_routing_gives_it_to_another_on_duty_reader()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = c.ClientAs(c.TownStaff);
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        using HttpClient other = c.ClientAs(c.OffDutyCardiologist);
        Guid id = await OpenCaseAsync(staff, "PAT-move-" + c.Id);
        await WaitOnWorklistAsync(reader, id);
        await host.Services.GetRequiredService<IGrainFactory>().GetGrain<Telemed.Grains.Readers.IReaderGrain>(c.OffDutyCardiologist).StartDutyAsync();

        await Problems.AssertProblemAsync(await reader.PostAsJsonAsync($"/api/cases/{id}/reassign", new { reason = "" }), HttpStatusCode.BadRequest);
        using (HttpResponseMessage moved = await reader.PostAsJsonAsync($"/api/cases/{id}/reassign", new { reason = "在手术中 in theatre" }))
        {
            Assert.True(moved.StatusCode == HttpStatusCode.Accepted, await moved.Content.ReadAsStringAsync());
        }

        await WaitOnWorklistAsync(other, id);
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsync($"/api/cases/{id}/accept", null)).StatusCode);
        await Problems.AssertProblemAsync(await other.PostAsJsonAsync($"/api/cases/{id}/reassign", new { reason = "accepted already" }), HttpStatusCode.Conflict);
        Assert.DoesNotContain(id.ToString(), await reader.GetStringAsync("/api/worklist"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_moves_an_unaccepted_case_to_a_named_on_duty_reader()
    {
        WorkflowCommunity c = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = c.ClientAs(c.TownStaff);
        using HttpClient reader = c.ClientAs(c.Cardiologist);
        using HttpClient third = c.ClientAs(c.ThirdCardiologist);
        using HttpClient admin = c.ClientAs(c.Admin);
        Guid id = await OpenCaseAsync(staff, "PAT-named-" + c.Id);
        await WaitOnWorklistAsync(reader, id);

        // Not a reader of the pool, or not on duty: refused before routing is asked.
        await Problems.AssertProblemAsync(await admin.PostAsJsonAsync($"/api/cases/{id}/reassign", new { reason = "r", readerId = "nobody" }), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await admin.PostAsJsonAsync($"/api/cases/{id}/reassign", new { reason = "r", readerId = c.ThirdCardiologist }), HttpStatusCode.BadRequest);
        // The admin manages the community but reads no patient data.
        await Problems.AssertProblemAsync(await admin.GetAsync($"/api/cases/{id}/report"), HttpStatusCode.Forbidden);

        IGrainFactory grains = host.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<Telemed.Grains.Readers.IReaderGrain>(c.OffDutyCardiologist).StartDutyAsync();
        await grains.GetGrain<Telemed.Grains.Readers.IReaderGrain>(c.ThirdCardiologist).StartDutyAsync();
        using (HttpResponseMessage moved = await admin.PostAsJsonAsync($"/api/cases/{id}/reassign", new { reason = "Dr Third covers Dongcun today", readerId = c.ThirdCardiologist }))
        {
            Assert.True(moved.StatusCode == HttpStatusCode.Accepted, await moved.Content.ReadAsStringAsync());
        }

        await WaitOnWorklistAsync(third, id);
        Assert.Equal(HttpStatusCode.OK, (await third.PostAsync($"/api/cases/{id}/accept", null)).StatusCode);
        using JsonDocument view = JsonDocument.Parse(await third.GetStringAsync($"/api/cases/{id}"));
        Assert.Equal(c.ThirdCardiologist, view.RootElement.GetProperty("assignedReaderId").GetString());
        Assert.Contains(view.RootElement.GetProperty("history").EnumerateArray(),
            h => h.GetProperty("detail").GetString()?.Contains("Dr Third covers Dongcun today", StringComparison.Ordinal) == true);
    }
}
