using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Telemed.Bench;

namespace Telemed.CaseLoad;

/// <summary>
/// (b) Ingest to worklist: ECGs ingested at a steady <see cref="LoadOptions.Rate"/> for <see cref="LoadOptions.Seconds"/>;
/// for each, the time from the IngestAsync call to the case's Assigned event on the community feed.
/// </summary>
internal static class LatencyPhase
{
    public static async Task RunAsync(LoadOptions options, TextWriter output)
    {
        await using LoadRun run = await LoadRun.StartAsync(options);
        await run.WarmUpAsync(options.WarmUp, Math.Min(options.Parallelism, 16), TimeSpan.FromSeconds(options.TimeoutSeconds));
        int baseline = run.Watch.Count;
        int total = options.Rate * options.Seconds;
        output.WriteLine($"latency: {options.Rate} cases/s for {options.Seconds} s ({total} cases), {options.Communities} community(ies) x {options.Readers} readers, after {baseline} warm-up cases");

        var calls = new ConcurrentBag<(Guid CaseId, long Called, long Returned)>();
        var inFlight = new List<Task>(total);
        long start = Stopwatch.GetTimestamp();
        double perCase = Stopwatch.Frequency / (double)options.Rate;
        int maxBehind = 0;
        for (int i = 0; i < total; i++)
        {
            long due = start + (long)(i * perCase);
            long now = Stopwatch.GetTimestamp();
            if (due > now)
            {
                await Task.Delay(TimeSpan.FromSeconds((due - now) / (double)Stopwatch.Frequency));
            }
            else
            {
                maxBehind = Math.Max(maxBehind, (int)((now - due) * 1000 / Stopwatch.Frequency));
            }

            inFlight.Add(Task.Run(async () =>
            {
                long called = Stopwatch.GetTimestamp();
                Grains.Ingest.IngestOutcome outcome = await run.IngestAsync(run.NextItem());
                calls.Add((outcome.CaseId, called, Stopwatch.GetTimestamp()));
            }));
        }

        long paced = Stopwatch.GetTimestamp();
        await Task.WhenAll(inFlight);
        bool done = await run.UntilAssignedAsync(baseline + total, TimeSpan.FromSeconds(options.TimeoutSeconds));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  offered {total / ((paced - start) / (double)Stopwatch.Frequency):F0} cases/s (the pacer fell behind by up to {maxBehind} ms); {(done ? "all assigned" : "TIMED OUT waiting for assignments")}"));

        var toWorklist = new List<double>();
        var ingestCall = new List<double>();
        int missing = 0;
        foreach ((Guid caseId, long called, long returned) in calls)
        {
            ingestCall.Add(Ms(called, returned));
            if (run.Watch.Assigned.TryGetValue(caseId, out long assigned))
            {
                toWorklist.Add(Ms(called, assigned));
            }
            else
            {
                missing++;
            }
        }

        output.WriteLine($"  ingest -> on a worklist: {Percentiles.Summary(toWorklist)}{(missing > 0 ? $", {missing} never seen assigned" : "")}");
        output.WriteLine($"  IngestAsync call itself: {Percentiles.Summary(ingestCall)}");
        int open = await run.OpenCasesAsync();
        output.WriteLine($"  readers' worklists hold {open} cases (expected {baseline + total})");
    }

    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
}
