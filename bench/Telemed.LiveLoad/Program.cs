using Telemed.LiveLoad;

// Live-hub benchmark for the issue-6 targets, against the hub as its own process over loopback:
// (a) 1,000 SignalR clients on /hubs/consult chatting in sessions, p50/p99 delivery latency (target p99 ≤ 100 ms);
// (b) a 12-lead 500 Hz live ECG fanned out to 50 viewers, p50/p99 device-to-viewer latency (target p99 ≤ 200 ms).
// dotnet build -c Release src/ConsultHub && dotnet run -c Release --project bench/Telemed.LiveLoad -- --phase both
LiveOptions options = LiveOptions.Parse(args);
string hubDll = options.HubDll ?? Path.Combine(RepositoryRoot(), "src", "ConsultHub", "bin", "Release", "net10.0", "linux-x64", "Telemed.ConsultHub.dll");
Console.WriteLine($"{DateTime.UtcNow:u} cores={Environment.ProcessorCount} load={ChatPhase.Load()} hub={hubDll}");
await using (HubUnderTest hub = await HubUnderTest.StartAsync(hubDll))
{
    using BenchApi api = await BenchApi.SignInAsync(hub);
    if (options.Phase is "chat" or "both")
    {
        await ChatPhase.RunAsync(api, options, Console.Out);
    }

    if (options.Phase is "ecg" or "both")
    {
        await EcgPhase.RunAsync(hub, api, options, Console.Out);
    }
}

Console.WriteLine($"{DateTime.UtcNow:u} done, load={ChatPhase.Load()}");

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Telemed.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Telemed.sln not found above the benchmark");
}
