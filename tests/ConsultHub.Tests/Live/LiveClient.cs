using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Tests.Api;

namespace Telemed.ConsultHub.Tests.Live;

/// <summary>
/// A real SignalR client (WebSockets, bearer token) against the test host, recording every push it receives under the
/// event name so tests can wait for one and check what else arrived.
/// </summary>
internal sealed class LiveClient : IAsyncDisposable
{
    /// <summary>Generous: the cluster test runs two hub processes beside the rest of the suite on two shared cores.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private readonly ConcurrentQueue<(string Name, object Payload)> received = new();

    private LiveClient(HubConnection connection) => Connection = connection;

    public HubConnection Connection { get; }

    public static HubConnection Build(ApiHost host, string path, string? token) => new HubConnectionBuilder()
        .WithUrl(new Uri(host.Server.BaseAddress, path), o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
            o.WebSocketFactory = async (context, cancellationToken) =>
            {
                var client = host.Server.CreateWebSocketClient();
                if (token is not null)
                {
                    client.ConfigureRequest = request => request.Headers.Authorization = "Bearer " + token;
                }

                return await client.ConnectAsync(context.Uri, cancellationToken);
            };
        })
        .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
        .Build();

    /// <summary>A client of a hub process over a real socket, signed in with the cookie in <paramref name="cookies"/>.</summary>
    public static HubConnection Build(Uri hubUrl, CookieContainer cookies) => new HubConnectionBuilder()
        .WithUrl(hubUrl, o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.Cookies = cookies;
        })
        .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
        .Build();

    /// <summary>Connects and records the given events (name and payload type).</summary>
    public static Task<LiveClient> ConnectAsync(ApiHost host, string path, string? token, params (string Name, Type Payload)[] events) =>
        StartAsync(Build(host, path, token), events);

    public static async Task<LiveClient> StartAsync(HubConnection connection, params (string Name, Type Payload)[] events)
    {
        var client = new LiveClient(connection);
        foreach ((string name, Type payload) in events)
        {
            client.Connection.On(name, [payload], args =>
            {
                client.received.Enqueue((name, args[0]!));
                return Task.CompletedTask;
            });
        }

        await client.Connection.StartAsync();
        return client;
    }

    public IReadOnlyList<T> All<T>(string name) => [.. received.Where(r => r.Name == name).Select(r => (T)r.Payload)];

    /// <summary>Polls until a push of that name matches; fails after <see cref="Timeout"/> listing what did arrive.</summary>
    public async Task<T> WaitForAsync<T>(string name, Func<T, bool> match)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            foreach (T payload in All<T>(name))
            {
                if (match(payload))
                {
                    return payload;
                }
            }

            if (clock.Elapsed > Timeout)
            {
                throw new Xunit.Sdk.XunitException($"no matching '{name}' after {Timeout}; received: {string.Join("; ", received.Select(r => $"{r.Name} {r.Payload}"))}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds (routing and pushes are asynchronous).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Timeout)
            {
                throw new Xunit.Sdk.XunitException($"not within {Timeout}: {what}");
            }

            await Task.Delay(50);
        }
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}

internal static class LiveHosts
{
    public static IGrainFactory Grains(this ApiHost host) => host.Services.GetRequiredService<IGrainFactory>();
}
