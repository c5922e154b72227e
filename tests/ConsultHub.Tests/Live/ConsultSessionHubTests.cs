using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Live.Consults;
using Telemed.ConsultHub.Tests.Api;
using Telemed.Grains.Cases;
using Telemed.Grains.Consults;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.ConsultHub.Tests.Live;

/// <summary>
/// /hubs/consult on the real hub with real SignalR clients: who may join a case's session, chat order and history,
/// receipts, typing and presence, resume after a dropped connection, persistence as rows, and the audit trail.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ConsultSessionHubTests(ApiHost host)
{
    private static readonly (string, Type)[] Events =
    [
        ("Message", typeof(ConsultMessage)),
        ("Receipt", typeof(ConsultReceipt)),
        ("Presence", typeof(ConsultPresence)),
        ("Typing", typeof(ConsultTyping)),
        ("Invited", typeof(ConsultInvitation)),
    ];

    /// <summary>A case opened by the township over REST and assigned by routing to the community's on-duty cardiologist.</summary>
    private Task<(WorkflowCommunity Community, Guid CaseId)> AssignedCaseAsync() => AssignedCaseAsync(host);

    internal static async Task<(WorkflowCommunity Community, Guid CaseId)> AssignedCaseAsync(ApiHost host)
    {
        WorkflowCommunity wf = await WorkflowCommunity.CreateAsync(host);
        using HttpClient staff = wf.ClientAs(wf.TownStaff);
        Guid id = await CaseEventsHubTests.OpenCaseAsync(staff, "PAT-CONSULT-" + wf.Id, "Urgent");
        await LiveClient.EventuallyAsync(
            async () => (await host.Grains().GetGrain<ICaseGrain>(id).GetAsync()).AssignedReaderId == wf.Cardiologist,
            $"case {id} assigned to {wf.Cardiologist}");
        return (wf, id);
    }

    private Task<LiveClient> ConnectAsync(WorkflowCommunity wf, string userId) =>
        LiveClient.ConnectAsync(host, "/hubs/consult", wf.TokenOf(userId), Events);

    private static Task<ConsultJoined> JoinAsync(LiveClient client, Guid caseId, long afterSequence = 0) =>
        client.Connection.InvokeAsync<ConsultJoined>("Join", caseId, afterSequence);

    private static Task<ConsultMessage> SendAsync(LiveClient client, Guid caseId, string text) =>
        client.Connection.InvokeAsync<ConsultMessage>("Send", caseId, text);

    [Fact]
    public async Task Only_the_requesting_staff_the_assigned_reader_admins_and_invited_users_may_join()
    {
        (WorkflowCommunity wf, Guid id) = await AssignedCaseAsync();
        WorkflowCommunity other = await WorkflowCommunity.CreateAsync(host);
        await using LiveClient staff = await ConnectAsync(wf, wf.TownStaff);
        await using LiveClient reader = await ConnectAsync(wf, wf.Cardiologist);
        await using LiveClient admin = await ConnectAsync(wf, wf.Admin);
        await using LiveClient village = await ConnectAsync(wf, wf.VillageDoctor);
        await using LiveClient auditor = await ConnectAsync(wf, wf.Auditor);
        await using LiveClient colleague = await ConnectAsync(wf, wf.OffDutyCardiologist);
        await using LiveClient outsider = await LiveClient.ConnectAsync(host, "/hubs/consult", other.TokenOf(other.Cardiologist), Events);

        Assert.Equal([wf.TownStaff], (await JoinAsync(staff, id)).Present);
        Assert.Equal([wf.Cardiologist, wf.TownStaff], (await JoinAsync(reader, id)).Present);
        await JoinAsync(admin, id);
        foreach (LiveClient refused in new[] { village, auditor, colleague, outsider })
        {
            HubException e = await Assert.ThrowsAsync<HubException>(() => JoinAsync(refused, id));
            Assert.Contains("may not join the consult", e.Message, StringComparison.Ordinal);
        }

        // A user not in the session cannot act in it, and an unknown case is named as such.
        HubException notJoined = await Assert.ThrowsAsync<HubException>(() => SendAsync(village, id, "hello"));
        Assert.Contains("join the consult", notJoined.Message, StringComparison.Ordinal);
        HubException unknown = await Assert.ThrowsAsync<HubException>(() => JoinAsync(staff, Guid.NewGuid()));
        Assert.Contains("no case", unknown.Message, StringComparison.Ordinal);

        // The reader asks a colleague in: the colleague is told live and may join; someone from another community
        // or an auditor cannot be invited.
        await reader.Connection.InvokeAsync("Invite", id, wf.OffDutyCardiologist);
        Assert.Equal(wf.Cardiologist, (await colleague.WaitForAsync<ConsultInvitation>("Invited", i => i.CaseId == id)).InvitedBy);
        ConsultJoined joined = await JoinAsync(colleague, id);
        Assert.Contains(wf.OffDutyCardiologist, joined.Present);
        await Assert.ThrowsAsync<HubException>(() => reader.Connection.InvokeAsync("Invite", id, other.Cardiologist));
        await Assert.ThrowsAsync<HubException>(() => reader.Connection.InvokeAsync("Invite", id, wf.Auditor));
        await Assert.ThrowsAsync<HubException>(() => JoinAsync(outsider, id));
        await staff.WaitForAsync<ConsultPresence>("Presence", p => p.UserId == wf.OffDutyCardiologist && p.Change == "joined");
    }

    [Fact]
    public async Task Chat_is_ordered_persisted_as_rows_with_receipts_typing_and_presence()
    {
        (WorkflowCommunity wf, Guid id) = await AssignedCaseAsync();
        await using LiveClient staff = await ConnectAsync(wf, wf.TownStaff);
        await using LiveClient reader = await ConnectAsync(wf, wf.Cardiologist);
        await JoinAsync(staff, id);
        await JoinAsync(reader, id);
        await staff.WaitForAsync<ConsultPresence>("Presence", p => p.UserId == wf.Cardiologist && p.Change == "joined");

        string[] lines = ["患者胸痛2小时 chest pain 2 h", "ST elevation V2-V4?", "troponin pending"];
        var sent = new List<ConsultMessage>();
        foreach (string line in lines)
        {
            sent.Add(await SendAsync(staff, id, line));
        }

        Assert.Equal([1L, 2L, 3L], sent.Select(m => m.Sequence));
        await reader.WaitForAsync<ConsultMessage>("Message", m => m.Sequence == 3);
        IReadOnlyList<ConsultMessage> live = reader.All<ConsultMessage>("Message");
        Assert.Equal(sent, live);
        Assert.All(live, m => Assert.Equal(wf.TownStaff, m.SenderId));

        // Receipts: delivered then read, pushed to the sender; reading implies delivery and never goes back.
        ConsultReceipt delivered = await reader.Connection.InvokeAsync<ConsultReceipt>("Delivered", id, 3L);
        Assert.Equal(new ConsultReceipt(id, wf.Cardiologist, 3, 0), delivered);
        ConsultReceipt read = await reader.Connection.InvokeAsync<ConsultReceipt>("Read", id, 2L);
        Assert.Equal(new ConsultReceipt(id, wf.Cardiologist, 3, 2), read);
        Assert.Equal(read, await reader.Connection.InvokeAsync<ConsultReceipt>("Read", id, 1L));
        Assert.Equal(3, (await reader.Connection.InvokeAsync<ConsultReceipt>("Read", id, 99L)).ReadThrough);
        await staff.WaitForAsync<ConsultReceipt>("Receipt", r => r.UserId == wf.Cardiologist && r.ReadThrough == 3);

        await reader.Connection.InvokeAsync("Typing", id, true);
        Assert.True((await staff.WaitForAsync<ConsultTyping>("Typing", t => t.UserId == wf.Cardiologist)).Typing);
        Assert.Empty(reader.All<ConsultTyping>("Typing"));

        // Concurrent senders: every message gets its own number, none skipped.
        await Task.WhenAll(Enumerable.Range(0, 10).SelectMany(i => new[] { SendAsync(staff, id, $"s{i}"), SendAsync(reader, id, $"r{i}") }));
        IReadOnlyList<ConsultMessage> history = await staff.Connection.InvokeAsync<IReadOnlyList<ConsultMessage>>("History", id, 0L);
        Assert.Equal(Enumerable.Range(1, 23).Select(i => (long)i), history.Select(m => m.Sequence));
        Assert.Equal(sent, history.Take(3));

        // A late joiner (the admin) gets the whole history and the receipts.
        await using LiveClient admin = await ConnectAsync(wf, wf.Admin);
        ConsultJoined joined = await JoinAsync(admin, id);
        Assert.Equal(history, joined.Messages);
        Assert.Contains(new ConsultReceipt(id, wf.Cardiologist, 3, 3), joined.Receipts);
        Assert.False(joined.HasMore);

        // One row per message in consult_messages.
        await using CatalogDbContext catalog = host.Services.GetRequiredService<Func<CatalogDbContext>>()();
        Assert.Equal(23, await catalog.ConsultMessages.CountAsync(m => m.CaseId == id));
        Assert.Equal(lines[0], (await catalog.ConsultMessages.SingleAsync(m => m.CaseId == id && m.Sequence == 1)).Text);

        // Leaving is seen by the others.
        await admin.Connection.InvokeAsync("Leave", id);
        ConsultPresence left = await staff.WaitForAsync<ConsultPresence>("Presence", p => p.UserId == wf.Admin && p.Change == "left");
        Assert.DoesNotContain(wf.Admin, left.Present);
        await Assert.ThrowsAsync<HubException>(() => SendAsync(staff, id, " "));
    }

    [Fact]
    public async Task A_client_that_reconnects_with_its_last_sequence_gets_exactly_the_messages_it_missed()
    {
        (WorkflowCommunity wf, Guid id) = await AssignedCaseAsync();
        await using LiveClient staff = await ConnectAsync(wf, wf.TownStaff);
        await JoinAsync(staff, id);
        long lastSeen;
        await using (LiveClient reader = await ConnectAsync(wf, wf.Cardiologist))
        {
            await JoinAsync(reader, id);
            await SendAsync(staff, id, "before 1");
            await SendAsync(staff, id, "before 2");
            lastSeen = (await reader.WaitForAsync<ConsultMessage>("Message", m => m.Sequence == 2)).Sequence;
        }

        // The reader's connection is gone (the others see them leave); five lines go out meanwhile.
        await staff.WaitForAsync<ConsultPresence>("Presence", p => p.UserId == wf.Cardiologist && p.Change == "left");
        string[] missed = ["m1", "m2", "m3", "m4", "m5"];
        foreach (string line in missed)
        {
            await SendAsync(staff, id, line);
        }

        await using LiveClient back = await ConnectAsync(wf, wf.Cardiologist);
        ConsultJoined resumed = await JoinAsync(back, id, lastSeen);
        Assert.Equal(missed, resumed.Messages.Select(m => m.Text));
        Assert.Equal([3L, 4L, 5L, 6L, 7L], resumed.Messages.Select(m => m.Sequence));

        // Live again: the next line arrives once, and nothing already seen is pushed again.
        await SendAsync(staff, id, "after");
        await back.WaitForAsync<ConsultMessage>("Message", m => m.Text == "after");
        Assert.Equal([8L], back.All<ConsultMessage>("Message").Select(m => m.Sequence));
    }

    [Fact]
    public async Task Joining_reading_and_sending_are_audited_and_refusals_too()
    {
        (WorkflowCommunity wf, Guid id) = await AssignedCaseAsync();
        await using LiveClient staff = await ConnectAsync(wf, wf.TownStaff);
        await using LiveClient village = await ConnectAsync(wf, wf.VillageDoctor);
        await JoinAsync(staff, id);
        await SendAsync(staff, id, "please review");
        await staff.Connection.InvokeAsync<IReadOnlyList<ConsultMessage>>("History", id, 0L);
        await Assert.ThrowsAsync<HubException>(() => JoinAsync(village, id));

        using HttpClient auditor = wf.ClientAs(wf.Auditor);
        string patient = "PAT-CONSULT-" + wf.Id;
        JsonElement[] staffEntries = await AuditAsync(auditor, $"user={wf.TownStaff}");
        foreach (string action in new[] { "consult.join", "consult.message", "consult.history" })
        {
            JsonElement entry = Assert.Single(staffEntries, e => e.GetProperty("action").GetString() == action);
            Assert.Equal($"consult/{id}", entry.GetProperty("resource").GetString());
            Assert.Equal(patient, entry.GetProperty("patientId").GetString());
            Assert.Equal("ok", entry.GetProperty("outcome").GetString());
        }

        JsonElement refused = Assert.Single(await AuditAsync(auditor, $"user={wf.VillageDoctor}"), e => e.GetProperty("action").GetString() == "consult.join");
        Assert.Equal("denied", refused.GetProperty("outcome").GetString());
    }

    private static async Task<JsonElement[]> AuditAsync(HttpClient auditor, string query)
    {
        using HttpResponseMessage response = await auditor.GetAsync("/api/audit?" + query);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement root = body.RootElement.ValueKind == JsonValueKind.Array ? body.RootElement : body.RootElement.GetProperty("entries");
        return [.. root.EnumerateArray().Select(e => e.Clone())];
    }
}
