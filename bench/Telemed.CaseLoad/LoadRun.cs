using System.Diagnostics;
using System.Globalization;
using Telemed.Grains.Events;
using Telemed.Grains.Ingest;

namespace Telemed.CaseLoad;

/// <summary>
/// One silo on a fresh catalog file, its communities, and the feed watch; ingests ECGs the way the gateway's
/// GrainIngestSink does (one <see cref="IStudyGrain.IngestAsync"/> per object, a distinct study each).
/// </summary>
internal sealed class LoadRun : IAsyncDisposable
{
    private readonly string folder;
    private readonly EmbeddedSilo silo;
    private ICommunityObserver? reference;
    private readonly CancellationTokenSource stop = new();
    private readonly Task renewal;
    private int next;

    private LoadRun(string folder, EmbeddedSilo silo, IReadOnlyList<BenchCommunity> communities)
    {
        this.folder = folder;
        this.silo = silo;
        Communities = communities;
        renewal = RenewAsync();
    }

    public AssignmentWatch Watch { get; } = new();

    public IReadOnlyList<BenchCommunity> Communities { get; }

    public IGrainFactory Grains => silo.Grains;

    public string DatabasePath => silo.DatabasePath;

    public static async Task<LoadRun> StartAsync(LoadOptions options)
    {
        string folder = Path.Combine(options.Folder, "telemed-caseload-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        EmbeddedSilo silo = await EmbeddedSilo.StartAsync(folder);
        var communities = new List<BenchCommunity>();
        for (int c = 1; c <= options.Communities; c++)
        {
            communities.Add(await BenchCommunity.DefineAsync(silo.Grains, $"bench-{c}", options.Readers));
        }

        var run = new LoadRun(folder, silo, communities);
        await run.SubscribeAsync();
        return run;
    }

    /// <summary>The next object: a resting ECG of a new study from one of the communities' townships, round robin.</summary>
    public IngestedItem NextItem()
    {
        int n = Interlocked.Increment(ref next);
        BenchCommunity community = Communities[n % Communities.Count];
        string institution = community.Institutions[n / Communities.Count % community.Institutions.Count];
        string id = n.ToString(CultureInfo.InvariantCulture);
        return new IngestedItem(
            BlobHash: Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(n))),
            ReceivedAt: DateTimeOffset.UtcNow,
            InstitutionId: institution,
            IsEcg: true,
            Modality: "ECG",
            PatientId: $"P{id}",
            StudyInstanceUid: $"1.2.826.0.1.3680043.10.999.{id}",
            SopInstanceUid: $"1.2.826.0.1.3680043.10.999.{id}.1",
            DeviceId: "cart-bench");
    }

    public Task<IngestOutcome> IngestAsync(IngestedItem item) =>
        Grains.GetGrain<IStudyGrain>(item.StudyKey).IngestAsync(item);

    /// <summary>Waits (polling a counter, not the grains) until <paramref name="count"/> cases were seen assigned.</summary>
    public async Task<bool> UntilAssignedAsync(int count, TimeSpan timeout)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Watch.Count < count)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    /// <summary>Ingests <paramref name="cases"/> cases, <paramref name="parallelism"/> at a time, and waits for them to be assigned.</summary>
    public async Task WarmUpAsync(int cases, int parallelism, TimeSpan timeout)
    {
        int before = Watch.Count;
        await Parallel.ForEachAsync(Enumerable.Range(0, cases), new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            async (_, _) => await IngestAsync(NextItem()));
        if (!await UntilAssignedAsync(before + cases, timeout))
        {
            throw new TimeoutException($"warm-up: only {Watch.Count - before} of {cases} cases assigned");
        }
    }

    public async Task<int> OpenCasesAsync() =>
        (await Task.WhenAll(Communities.Select(c => c.OpenCasesAsync(Grains)))).Sum();

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await renewal.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await silo.DisposeAsync();
        stop.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp folder; nothing depends on it.
        }
    }

    private async Task SubscribeAsync()
    {
        reference ??= Grains.CreateObjectReference<ICommunityObserver>(Watch);
        foreach (BenchCommunity community in Communities)
        {
            await Grains.GetGrain<ICommunityFeedGrain>(community.Id).SubscribeAsync(reference);
        }
    }

    /// <summary>Feed subscriptions expire (the feed grain's lifetime, 5 min): renew them as the hub does.</summary>
    private async Task RenewAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1));
        while (await timer.WaitForNextTickAsync(stop.Token))
        {
            await SubscribeAsync();
        }
    }
}
