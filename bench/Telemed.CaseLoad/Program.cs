using Telemed.CaseLoad;

// Case-load benchmark for the issue-5 targets on the embedded host: assignments per second sustained, and the time
// from "ingested" to "on a reader's worklist". Each phase runs on its own silo and fresh catalog file.
// dotnet run -c Release --project bench/Telemed.CaseLoad -- --phase both --cases 20000 --rate 200 --seconds 30
LoadOptions options = LoadOptions.Parse(args);
Console.WriteLine($"{DateTime.UtcNow:u} cores={Environment.ProcessorCount} load={File.ReadAllText("/proc/loadavg").Trim()}");
if (options.Phase is "throughput" or "both")
{
    await ThroughputPhase.RunAsync(options, Console.Out);
}

if (options.Phase is "latency" or "both")
{
    await LatencyPhase.RunAsync(options, Console.Out);
}

Console.WriteLine($"{DateTime.UtcNow:u} done, load={File.ReadAllText("/proc/loadavg").Trim()}");
