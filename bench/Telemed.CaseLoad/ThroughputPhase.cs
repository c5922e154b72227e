using System.Diagnostics;
using System.Globalization;

namespace Telemed.CaseLoad;

/// <summary>
/// (a) Sustained assignments: <see cref="LoadOptions.Cases"/> ECGs ingested with bounded parallelism; the rate is cases
/// over the time from the first ingest call until the last case was seen Assigned on the community feed.
/// </summary>
internal static class ThroughputPhase
{
    public static async Task RunAsync(LoadOptions options, TextWriter output)
    {
        await using LoadRun run = await LoadRun.StartAsync(options);
        await run.WarmUpAsync(options.WarmUp, options.Parallelism, TimeSpan.FromSeconds(options.TimeoutSeconds));
        int baseline = run.Watch.Count;
        output.WriteLine($"throughput: {options.Cases} cases, parallelism {options.Parallelism}, {options.Communities} community(ies) x {options.Readers} readers, after {baseline} warm-up cases");

        Process self = Process.GetCurrentProcess();
        TimeSpan cpuBefore = self.TotalProcessorTime;
        int gen2Before = GC.CollectionCount(2);
        long start = Stopwatch.GetTimestamp();
        var submitted = new long[options.Cases];
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Cases), new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism },
            async (i, _) =>
            {
                await run.IngestAsync(run.NextItem());
                submitted[i] = Stopwatch.GetTimestamp();
            });
        long allSubmitted = Stopwatch.GetTimestamp();
        bool done = await run.UntilAssignedAsync(baseline + options.Cases, TimeSpan.FromSeconds(options.TimeoutSeconds));
        long end = Stopwatch.GetTimestamp();
        self.Refresh();
        TimeSpan cpu = self.TotalProcessorTime - cpuBefore;

        // The measured cases' assignment moments, relative to the first ingest call.
        List<double> moments = [.. run.Watch.Assigned.Values.Where(t => t >= start).Select(t => Seconds(start, t)).Order()];
        int assigned = moments.Count;
        double last = assigned > 0 ? moments[^1] : Seconds(start, end);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ingest calls done after {Seconds(start, allSubmitted):F2} s ({options.Cases / Seconds(start, allSubmitted):F0} ingests/s)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {assigned} of {options.Cases} assigned{(done ? "" : " (TIMED OUT)")}; last after {last:F2} s => {assigned / last:F0} assignments/s sustained"));
        // Rate per tenth of the run, to see whether it holds or decays as state grows.
        var tenths = new List<string>();
        for (int t = 0; t < 10; t++)
        {
            double from = last * t / 10, to = last * (t + 1) / 10;
            int inTenth = moments.Count(m => m > from && m <= to);
            tenths.Add(string.Create(CultureInfo.InvariantCulture, $"{inTenth / (to - from):F0}"));
        }

        output.WriteLine($"  assignments/s per tenth of the run: {string.Join(" ", tenths)}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  process CPU {cpu.TotalSeconds:F1} s over {Seconds(start, end):F1} s wall ({cpu.TotalSeconds / Seconds(start, end) * 100:F0} % of one core), {(cpu.TotalMilliseconds / options.Cases):F2} ms CPU per case, gen2 GCs {GC.CollectionCount(2) - gen2Before}"));
        int open = await run.OpenCasesAsync();
        output.WriteLine($"  readers' worklists hold {open} cases (expected {baseline + options.Cases}: each case on exactly one worklist); catalog file {new FileInfo(run.DatabasePath).Length / 1024 / 1024} MB");
    }

    private static double Seconds(long from, long to) => (to - from) / (double)Stopwatch.Frequency;
}
