using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Telemed.ConsultHub.Live.Calls;
using Telemed.ConsultHub.Live.Consults;
using Telemed.ConsultHub.Tests.Api;
using Xunit;

namespace Telemed.ConsultHub.Tests.Live;

/// <summary>WebRTC signalling through /hubs/consult: relayed to the addressed participant only, and TURN credentials per user.</summary>
[Collection(ApiCollection.Name)]
public sealed class CallSignallingTests(ApiHost host)
{
    [Fact]
    public async Task Offer_answer_and_candidates_reach_only_the_addressed_participant()
    {
        (WorkflowCommunity wf, Guid id) = await ConsultSessionHubTests.AssignedCaseAsync(host);
        (string, Type)[] events = [("Signal", typeof(CallSignal))];
        await using LiveClient staff = await LiveClient.ConnectAsync(host, "/hubs/consult", wf.TokenOf(wf.TownStaff), events);
        await using LiveClient reader = await LiveClient.ConnectAsync(host, "/hubs/consult", wf.TokenOf(wf.Cardiologist), events);
        await using LiveClient admin = await LiveClient.ConnectAsync(host, "/hubs/consult", wf.TokenOf(wf.Admin), events);
        foreach (LiveClient client in new[] { staff, reader, admin })
        {
            await client.Connection.InvokeAsync<ConsultJoined>("Join", id, 0L);
        }

        const string Offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n";
        await staff.Connection.InvokeAsync("Signal", id, wf.Cardiologist, "offer", Offer);
        CallSignal offer = await reader.WaitForAsync<CallSignal>("Signal", s => s.Kind == "offer");
        Assert.Equal(new CallSignal(id, wf.TownStaff, wf.Cardiologist, "offer", Offer), offer);

        await reader.Connection.InvokeAsync("Signal", id, wf.TownStaff, "answer", "v=0 answer");
        await reader.Connection.InvokeAsync("Signal", id, wf.TownStaff, "ice-candidate", """{"candidate":"candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host","sdpMid":"0"}""");
        await reader.Connection.InvokeAsync("Signal", id, wf.TownStaff, "hang-up", "");
        await staff.WaitForAsync<CallSignal>("Signal", s => s.Kind == "hang-up");
        Assert.Equal(["answer", "ice-candidate", "hang-up"], staff.All<CallSignal>("Signal").Select(s => s.Kind));
        Assert.Empty(admin.All<CallSignal>("Signal"));

        // Only to someone present, only known kinds, only from a participant.
        await Assert.ThrowsAsync<HubException>(() => staff.Connection.InvokeAsync("Signal", id, wf.VillageDoctor, "offer", Offer));
        await Assert.ThrowsAsync<HubException>(() => staff.Connection.InvokeAsync("Signal", id, wf.Cardiologist, "sdp", Offer));
        await using LiveClient village = await LiveClient.ConnectAsync(host, "/hubs/consult", wf.TokenOf(wf.VillageDoctor), events);
        await Assert.ThrowsAsync<HubException>(() => village.Connection.InvokeAsync("Signal", id, wf.Cardiologist, "offer", Offer));
    }

    [Fact]
    public async Task Ice_servers_carry_short_lived_turn_credentials_for_the_caller()
    {
        WorkflowCommunity wf = await WorkflowCommunity.CreateAsync(host);
        await using LiveClient reader = await LiveClient.ConnectAsync(host, "/hubs/consult", wf.TokenOf(wf.Cardiologist));
        List<IceServer> servers = await reader.Connection.InvokeAsync<List<IceServer>>("IceServers");

        Assert.Equal([ApiHost.StunUrl], Assert.Single(servers, s => s.Username is null).Urls);
        IceServer turn = Assert.Single(servers, s => s.Username is not null);
        Assert.Equal([ApiHost.TurnUrl], turn.Urls);
        string[] parts = turn.Username!.Split(':');
        Assert.Equal(wf.Cardiologist, parts[1]);
        Assert.True(DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts[0], CultureInfo.InvariantCulture)) > DateTimeOffset.UtcNow);
#pragma warning disable CA5350 // what coturn checks
        Assert.Equal(Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(ApiHost.TurnSecret), Encoding.UTF8.GetBytes(turn.Username))), turn.Credential);
#pragma warning restore CA5350
    }
}
