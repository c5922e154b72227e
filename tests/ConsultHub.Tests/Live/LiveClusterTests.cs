using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;
using Telemed.ConsultHub.Live.Consults;
using Telemed.ConsultHub.Live.Ecg;
using Telemed.ConsultHub.Live.Events;
using Telemed.Grains.Consults;
using Telemed.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.ConsultHub.Tests.Live;

/// <summary>
/// Two hub processes in the cluster profile (redis-server and PostgreSQL started here): a township nurse connected to
/// one node and a cardiologist connected to the other see each other's consult messages (the SignalR Redis backplane)
/// and the case events of a case opened on the first node (each node's own feed subscription), each exactly once; the
/// live ECG the demo cart streams to the first node reaches the watcher on the second, every sample once and in order.
/// </summary>
public sealed partial class LiveClusterTests(ITestOutputHelper output) : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "telemed-live-cluster-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }

    [GeneratedRegex(@"cart-dongcun-1\s+token:\s+(\S+)")]
    private static partial Regex CartToken();

    [GeneratedRegex(@"^user: (?<user>\S+)  role: \S+  institution: \S+  password: (?<password>\S+)$", RegexOptions.Multiline)]
    private static partial Regex CredentialLine();

    [ClusterFact]
    public async Task Pushes_reach_clients_connected_to_the_other_node_exactly_once()
    {
        using var postgres = new PostgresServer();
        using var redis = new RedisServer();
        string catalog = await postgres.CreateDatabaseAsync();
        string cluster = "telemed-live-" + Guid.NewGuid().ToString("N")[..8];
        string[] profile =
        [
            "--cluster", "--redis", redis.ConnectionString, "--postgres", catalog, "--blobs", Path.Combine(root, "blobs"),
            "--cluster-id", cluster, "--Telemed:Cluster:ServiceId", cluster, "--Logging:LogLevel:Default", "Warning",
        ];
        var hubs = new List<HubProcess>();
        try
        {
            // One after the other: the first migrates and seeds (demo users), the second joins.
            for (int i = 0; i < 2; i++)
            {
                string data = Path.Combine(root, $"hub{i}");
                Directory.CreateDirectory(data);
                hubs.Add(await HubProcess.StartAsync(data, profile));
            }

            Dictionary<string, string> passwords = [];
            foreach (string file in Directory.EnumerateFiles(root, "demo-credentials.txt", SearchOption.AllDirectories))
            {
                foreach (Match m in CredentialLine().Matches(await File.ReadAllTextAsync(file)))
                {
                    passwords[m.Groups["user"].Value] = m.Groups["password"].Value;
                }
            }

            Uri nodeA = new($"http://127.0.0.1:{hubs[0].HttpPort}/");
            Uri nodeB = new($"http://127.0.0.1:{hubs[1].HttpPort}/");
            (HttpClient staffApi, CookieContainer staffCookies) = await SignInAsync(nodeA, "staff-dongcun", passwords["staff-dongcun"]);
            (HttpClient readerApi, CookieContainer readerCookies) = await SignInAsync(nodeB, "card-wang", passwords["card-wang"]);
            using (staffApi)
            using (readerApi)
            {
                (string, Type)[] events = [("Case", typeof(CaseEvent))];
                (string, Type)[] consult = [("Message", typeof(ConsultMessage)), ("Presence", typeof(ConsultPresence)), ("EcgSamples", typeof(EcgLiveBatch))];
                await using LiveClient readerEvents = await LiveClient.StartAsync(LiveClient.Build(new Uri(nodeB, "hubs/events"), readerCookies), events);
                await using LiveClient staffEvents = await LiveClient.StartAsync(LiveClient.Build(new Uri(nodeA, "hubs/events"), staffCookies), events);

                Guid id = await CaseEventsHubTests.OpenCaseAsync(staffApi, "PAT-CLUSTER-LIVE", "Urgent");
                CaseEvent assigned = await readerEvents.WaitForAsync<CaseEvent>("Case", e => e.CaseId == id && e.Change == "assigned");
                Assert.Equal(assigned, await staffEvents.WaitForAsync<CaseEvent>("Case", e => e.CaseId == id && e.Change == "assigned"));
                string reader = assigned.AssignedReaderId!;
                Assert.Equal("card-wang", reader);
                // The feed is one grain in the cluster: a position seen through one node resumes on the other.
                MissedEvents missed = await readerEvents.Connection.InvokeAsync<MissedEvents>("Missed", assigned.Epoch, assigned.Sequence - 1);
                Assert.True(missed.Complete);
                Assert.Contains(assigned, missed.Cases);

                await using LiveClient staff = await LiveClient.StartAsync(LiveClient.Build(new Uri(nodeA, "hubs/consult"), staffCookies), consult);
                await using LiveClient card = await LiveClient.StartAsync(LiveClient.Build(new Uri(nodeB, "hubs/consult"), readerCookies), consult);
                await staff.Connection.InvokeAsync<ConsultJoined>("Join", id, 0L);
                ConsultJoined joined = await card.Connection.InvokeAsync<ConsultJoined>("Join", id, 0L);
                Assert.Equal(["card-wang", "staff-dongcun"], joined.Present);
                await staff.WaitForAsync<ConsultPresence>("Presence", p => p.UserId == "card-wang" && p.Change == "joined");

                for (int i = 1; i <= 3; i++)
                {
                    await staff.Connection.InvokeAsync<ConsultMessage>("Send", id, $"from node A {i}");
                    await card.Connection.InvokeAsync<ConsultMessage>("Send", id, $"from node B {i}");
                }

                await card.WaitForAsync<ConsultMessage>("Message", m => m.Sequence == 6);
                await staff.WaitForAsync<ConsultMessage>("Message", m => m.Sequence == 6);
                foreach (LiveClient client in new[] { staff, card })
                {
                    Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], client.All<ConsultMessage>("Message").Select(m => m.Sequence).Order());
                }

                // Live ECG: the demo cart streams to node A's listener; the cardiologist watching on node B gets every
                // sample once, in order (the relay pushes to the case's group through the backplane).
                await card.Connection.InvokeAsync("WatchEcg", id);
                await staff.Connection.InvokeAsync("WatchEcg", id);
                Match cart = CartToken().Match(await File.ReadAllTextAsync(Path.Combine(root, "hub0", "demo-credentials.txt")));
                Assert.True(cart.Success, "no cart token in hub0's demo-credentials.txt");
                var source = Telemed.DeviceGateway.EcgStreams.Client.EcgStreamSource.FromRecording(
                    Telemed.Ecg.Wfdb.WfdbRecordReader.Read(Path.Combine(RepositoryPaths.Root, "..", "shared", "ecg", "mitdb", "100")),
                    Guid.NewGuid(), "cart-dongcun-1", cart.Groups[1].Value, DateTime.UtcNow, "PAT-CLUSTER-LIVE", 10 * 360);
                await new Telemed.DeviceGateway.EcgStreams.Client.EcgStreamClient(new() { Host = "127.0.0.1", Port = hubs[0].EcgPort, FramesPerBlock = 36 })
                    .SendAsync(source);
                foreach (LiveClient client in new[] { card, staff })
                {
                    await LiveClient.EventuallyAsync(() => Task.FromResult(client.All<EcgLiveBatch>("EcgSamples").Sum(b => b.Samples[0].Length) >= source.SamplesPerLead),
                        "the whole live ECG on both nodes");
                    IReadOnlyList<EcgLiveBatch> batches = client.All<EcgLiveBatch>("EcgSamples");
                    Assert.Equal(Enumerable.Range(1, batches.Count).Select(i => (long)i), batches.Select(b => b.Sequence));
                    Assert.Equal(source.SamplesPerLead, batches.Sum(b => b.Samples[0].Length));
                    Assert.Equal(source.Interleaved.ToArray().Where((_, i) => i % 2 == 0).Select(adu => (int)Math.Round((adu - source.Hello.Leads[0].Baseline) * 1000 / source.Hello.Leads[0].AduPerMillivolt)),
                        batches.SelectMany(b => b.Samples[0]));
                }

                // Case events were not doubled by the second node.
                foreach (LiveClient client in new[] { readerEvents, staffEvents })
                {
                    IReadOnlyList<CaseEvent> seen = client.All<CaseEvent>("Case");
                    Assert.Equal(seen.Count, seen.Distinct().Count());
                }
            }
        }
        finally
        {
            foreach (HubProcess hub in hubs)
            {
                output.WriteLine($"--- hub on HTTP port {hub.HttpPort} (exited: {hub.HasExited}), last output:");
                output.WriteLine(string.Join('\n', hub.Output.Split('\n').TakeLast(30)));
                await hub.DisposeAsync();
            }
        }
    }

    private static async Task<(HttpClient Client, CookieContainer Cookies)> SignInAsync(Uri node, string user, string password)
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = node, Timeout = TimeSpan.FromSeconds(60) };
        using HttpResponseMessage response = await client.PostAsJsonAsync("/api/auth/login", new { user, password });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (client, cookies);
    }
}
