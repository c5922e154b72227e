using System.Net;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Telemed.ConsultHub.Tests.Api;
using Telemed.Storage.Accounts;
using Xunit;

namespace Telemed.ConsultHub.Tests.Live;

/// <summary>
/// Browsers cannot put an Authorization header on a WebSocket, so the SignalR JavaScript client sends its token as
/// <c>?access_token=</c>: the hub accepts it on /hubs/… and nowhere else (a token in an /api URL would be logged).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HubQueryTokenTests(ApiHost host)
{
    [Theory]
    [InlineData("/hubs/events")]
    [InlineData("/hubs/consult")]
    public async Task A_hub_negotiates_with_a_token_in_the_query_and_refuses_without_or_with_a_wrong_one(string hub)
    {
        string token = host.TokenOf(ApiHost.UserOf(UserRole.Cardiologist));
        using HttpClient anonymous = host.CreateClient(new() { HandleCookies = false });

        using HttpResponseMessage accepted = await anonymous.PostAsync($"{hub}/negotiate?negotiateVersion=1&access_token={Uri.EscapeDataString(token)}", null);
        using HttpResponseMessage missing = await anonymous.PostAsync($"{hub}/negotiate?negotiateVersion=1", null);
        using HttpResponseMessage wrong = await anonymous.PostAsync($"{hub}/negotiate?negotiateVersion=1&access_token=tm_not-a-token", null);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains("connectionToken", await accepted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task The_query_token_is_not_accepted_outside_the_hubs()
    {
        string token = host.TokenOf(ApiHost.UserOf(UserRole.Cardiologist));
        using HttpClient anonymous = host.CreateClient(new() { HandleCookies = false });

        using HttpResponseMessage me = await anonymous.GetAsync($"/api/me?access_token={Uri.EscapeDataString(token)}");

        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task A_long_polling_client_with_only_a_query_token_joins_its_groups()
    {
        // Long polling sends every poll as a plain request with the token in the query, as a browser without
        // WebSockets would; the hub must know the caller on each of them.
        string reader = ApiHost.UserOf(UserRole.Cardiologist);
        string token = host.TokenOf(reader);
        await using HubConnection connection = new HubConnectionBuilder()
            .WithUrl(new Uri(host.Server.BaseAddress, $"/hubs/events?access_token={Uri.EscapeDataString(token)}"), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => host.Server.CreateHandler();
            })
            .Build();

        await connection.StartAsync();
        IReadOnlyList<string> groups = await connection.InvokeAsync<IReadOnlyList<string>>("Subscriptions");

        Assert.Contains("user:" + reader, groups);
        Assert.Contains("readers:" + ApiHost.CommunityA, groups);
    }
}
