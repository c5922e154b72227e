using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.SignalR.Client;
using Telemed.Bench;

namespace Telemed.LiveLoad;

/// <summary>
/// Target (a): many clients connected to /hubs/consult at once, chatting in consult sessions of
/// <see cref="LiveOptions.ClientsPerSession"/>. Latency is from just before a client calls Send to each other member's
/// "Message" push (the sender's own echo is not counted); it includes the message's persistence and audit, as in use.
/// </summary>
internal static class ChatPhase
{
    public static async Task RunAsync(BenchApi api, LiveOptions options, TextWriter log)
    {
        int sessions = Math.Max(1, options.Clients / options.ClientsPerSession);
        int users = Math.Min(options.Users, options.Clients);
        var clock = Stopwatch.StartNew();
        IReadOnlyList<(string User, string Token)> staff = await api.StaffAsync("chat-" + Guid.NewGuid().ToString("N")[..6], users);
        var cases = new Guid[sessions];
        for (int s = 0; s < sessions; s++)
        {
            cases[s] = await api.OpenCaseAsync(staff[s % users].Token, $"BENCH-CHAT-{s:D4}");
        }

        log.WriteLine($"chat: {users} users and {sessions} cases set up in {clock.Elapsed.TotalSeconds:F1} s");
        var latencies = new ConcurrentQueue<double>();
        bool measuring = false;
        long received = 0;
        var connections = new HubConnection[options.Clients];
        clock.Restart();
        await Parallel.ForAsync(0, options.Clients, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            // Members of a session are different users: client i is in session i mod S, as user i / (clients / users).
            int user = i / Math.Max(1, options.Clients / users) % users;
            HubConnection connection = api.Connection(staff[user].Token);
            string self = "c" + i.ToString(CultureInfo.InvariantCulture) + " ";
            connection.On<ChatMessage>("Message", m =>
            {
                long now = Stopwatch.GetTimestamp();
                if (m.Text.StartsWith(self, StringComparison.Ordinal))
                {
                    return;
                }

                Interlocked.Increment(ref received);
                // Only messages sent in the measured phase ("m") are timed, whenever they arrive.
                int t = m.Text.IndexOf(" m", StringComparison.Ordinal);
                if (t > 0 && long.TryParse(m.Text.AsSpan(t + 2), CultureInfo.InvariantCulture, out long sent))
                {
                    latencies.Enqueue(Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds);
                }
            });
            connection.ServerTimeout = TimeSpan.FromMinutes(2);
            connection.HandshakeTimeout = TimeSpan.FromMinutes(1);
            await connection.StartAsync(ct);
            await connection.InvokeAsync("Join", cases[i % sessions], 0L, ct);
            connections[i] = connection;
        });
        log.WriteLine($"chat: {options.Clients} clients connected and joined in {clock.Elapsed.TotalSeconds:F1} s; load {Load()}");

        var sends = new ConcurrentQueue<double>();
        var failures = 0;
        var pending = new List<Task>();
        var random = new Random(42);
        async Task SendAsync(int client, string text)
        {
            long start = Stopwatch.GetTimestamp();
            try
            {
                await connections[client].InvokeAsync<object>("Send", cases[client % sessions], text);
                if (Volatile.Read(ref measuring))
                {
                    sends.Enqueue(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
            catch (Exception e) when (e is Microsoft.AspNetCore.SignalR.HubException or InvalidOperationException or IOException)
            {
                Interlocked.Increment(ref failures);
            }
        }

        long messages = 0;
        foreach ((int seconds, bool measured) in new[] { (options.WarmupSeconds, false), (options.Seconds, true) })
        {
            Volatile.Write(ref measuring, measured);
            long count = (long)seconds * options.Rate;
            long begin = Stopwatch.GetTimestamp();
            for (long k = 0; k < count; k++)
            {
                TimeSpan due = TimeSpan.FromSeconds((double)k / options.Rate) - Stopwatch.GetElapsedTime(begin);
                if (due > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(due);
                }

                int client = random.Next(options.Clients);
                string text = $"c{client} {(measured ? 'm' : 'w')}{Stopwatch.GetTimestamp()}";
                pending.Add(SendAsync(client, text));
                if (measured)
                {
                    messages++;
                }
            }

            await Task.WhenAll(pending);
            pending.Clear();
        }

        // Pushes still on their way are counted, not timed.
        long expected = messages * (options.ClientsPerSession - 1);
        var drain = Stopwatch.StartNew();
        while (latencies.Count < expected && drain.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }

        Volatile.Write(ref measuring, false);
        log.WriteLine($"chat: {options.Clients} clients, {sessions} sessions of {options.ClientsPerSession}, {options.Rate} messages/s for {options.Seconds} s "
            + $"({messages} messages, {expected} deliveries expected, {latencies.Count} timed, {failures} failed sends); load {Load()}");
        log.WriteLine($"chat delivery latency (send → other members' Message): {Percentiles.Summary(latencies)}");
        log.WriteLine($"chat Send round trip (invoke → answer):              {Percentiles.Summary(sends)}");
        await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (c, _) => await c.DisposeAsync());
    }

    internal static string Load() => File.ReadAllText("/proc/loadavg").Trim();
}
