using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Telemed.ConsultHub.Demo;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Network;
using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Grains.Ingest;
using Telemed.Grains.Readers;
using Telemed.Storage.Catalog;
using Telemed.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.ConsultHub.Tests;

/// <summary>
/// The cluster profile for real: redis-server and PostgreSQL started here, three hub processes started at once on the
/// same empty database (so they race to migrate and seed it), ECGs sent by C-STORE across the three DICOM ports like
/// devices that resend until acknowledged, and one hub killed with SIGKILL in the middle. Then, read through an
/// Orleans client against the survivors: every acknowledged ECG is catalogued and has its own case, and every case
/// was assigned exactly once and sits on exactly one reader's worklist.
/// </summary>
public sealed class ClusterTests(ITestOutputHelper output) : IDisposable
{
    private const int Hubs = 3;
    private const int Instances = 90;
    private const int Senders = 4;
    private static readonly string[] Readers = ["card-wang", "card-chen"];
    private readonly string root = Path.Combine(Path.GetTempPath(), "telemed-cluster-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }

    [ClusterFact]
    public async Task Killing_one_of_three_hubs_during_ecg_ingest_loses_no_case_and_assigns_every_case_exactly_once()
    {
        using var postgres = new PostgresServer();
        using var redis = new RedisServer();
        string catalog = await postgres.CreateDatabaseAsync() + ";Maximum Pool Size=40";
        string cluster = "telemed-test-" + Guid.NewGuid().ToString("N")[..8];
        string[] profile =
        [
            "--cluster", "--redis", redis.ConnectionString, "--postgres", catalog, "--blobs", Path.Combine(root, "blobs"),
            "--cluster-id", cluster, "--Telemed:Cluster:ServiceId", cluster,
            // Declare a killed silo dead in seconds, and let open cases resubmit themselves to routing every 5 s.
            "--Telemed:Cluster:ProbeTimeout", "00:00:03", "--Telemed:CaseCheckPeriod", "00:00:05",
            // The hubs run outside their content root (no appsettings.json): keep their logs to what matters.
            "--Logging:LogLevel:Default", "Warning",
        ];
        List<Sent> files = WriteInstances(Path.Combine(root, "send"));
        var hubs = new List<HubProcess>();
        try
        {
            Task<HubProcess>[] starting = [.. Enumerable.Range(0, Hubs).Select(i => HubProcess.StartAsync(DataDirectory(i), profile))];
            try
            {
                await Task.WhenAll(starting);
            }
            finally
            {
                hubs.AddRange(starting.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
            }

            using IHost client = await ConnectAsync(redis.ConnectionString, cluster);
            IClusterClient grains = client.Services.GetRequiredService<IClusterClient>();
            await Eventually(async () => (await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count, n => n == Hubs,
                "all three silos active in the membership table", TimeSpan.FromSeconds(120));
            // Room for every case: two cardiologists on duty and no per-reader limit in the way.
            ICommunityGrain community = grains.GetGrain<ICommunityGrain>(DemoSeed.CommunityId);
            await community.ConfigureAsync(await community.GetSettingsAsync() with { MaxOpenCasesPerReader = 10_000 });
            await grains.GetGrain<IReaderGrain>("card-chen").StartDutyAsync();

            int victim = Random.Shared.Next(Hubs);
            IReadOnlyCollection<Sent> acknowledged = await SendWithKillAsync(files, hubs, victim);
            Assert.True(hubs[victim].HasExited);
            Assert.Equal(Instances, acknowledged.Count); // the devices kept resending until the survivors took everything

            // No acknowledged ECG lost: catalogued (with the outbox row announcing it, in the same commit).
            await using (PostgresCatalogDbContext db = CatalogDatabase.OpenPostgres(catalog))
            {
                HashSet<string> stored = [.. await db.Instances.AsNoTracking().Select(i => i.SopInstanceUid).ToListAsync()];
                Assert.All(acknowledged, sent => Assert.Contains(sent.SopInstanceUid, stored));
            }

            // Every acknowledged ECG opens its case — announced through the ingest outbox, so events the killed hub had
            // acknowledged but not yet delivered are taken up by the survivors' retry loops — and every case is
            // assigned, routing messages lost with the killed silo being resubmitted by the cases' reminders.
            async Task<Dictionary<string, CaseView?>> ReadCases()
            {
                var cases = new Dictionary<string, CaseView?>();
                foreach (Sent sent in acknowledged)
                {
                    CaseView? view = null;
                    if (await Retry(() => grains.GetGrain<IStudyGrain>(sent.StudyInstanceUid).GetCaseAsync()) is { } caseId)
                    {
                        try
                        {
                            view = await Retry(() => grains.GetGrain<ICaseGrain>(caseId).GetAsync());
                        }
                        catch (KeyNotFoundException)
                        {
                            // the study chose the case id; the case is not open yet
                        }
                    }

                    cases[sent.StudyInstanceUid] = view;
                }

                return cases;
            }

            Dictionary<string, CaseView?> caseOfStudy = await Eventually(ReadCases,
                all => all.Values.All(v => v?.Status == CaseStatus.Assigned),
                "a case for every acknowledged ECG, assigned", TimeSpan.FromSeconds(180),
                all => $"{all.Values.Count(v => v is null)} without a case; " +
                    string.Join(", ", all.Values.OfType<CaseView>().GroupBy(v => v.Status).Select(g => $"{g.Count()} {g.Key}")) + "; waiting: " +
                    string.Join(" | ", all.Values.OfType<CaseView>().Where(v => v.Status != CaseStatus.Assigned).Take(3).Select(v =>
                        $"{v.CaseId} {v.Priority} opened {v.OpenedAt:HH:mm:ss.fff}: {string.Join("; ", v.History.Select(h => $"{h.At:HH:mm:ss.fff} {h.Actor} {h.Action}"))}")));
            CaseView[] views = [.. caseOfStudy.Values.OfType<CaseView>()];
            Assert.Equal(Instances, views.Select(v => v.CaseId).Distinct().Count());

            Dictionary<string, IReadOnlyList<WorklistEntry>> worklists = [];
            foreach (string reader in Readers)
            {
                worklists[reader] = await Retry(() => grains.GetGrain<IReaderGrain>(reader).GetWorklistAsync());
            }

            foreach (CaseView view in views)
            {
                Assert.Contains(view.Studies, study => caseOfStudy.TryGetValue(study, out CaseView? of) && of?.CaseId == view.CaseId);
                List<CaseHistoryEntry> assignments = [.. view.History.Where(h => h.Action == "assigned")];
                Assert.True(assignments.Count == 1,
                    $"case {view.CaseId} was assigned {assignments.Count} times: {string.Join("; ", view.History.Select(h => $"{h.Actor} {h.Action} {h.Detail}"))}");
                var holders = worklists.Where(w => w.Value.Any(e => e.CaseId == view.CaseId)).Select(w => w.Key).ToList();
                Assert.True(holders.Count == 1 && holders[0] == view.AssignedReaderId,
                    $"case {view.CaseId} is assigned to {view.AssignedReaderId} but on the worklists of [{string.Join(", ", holders)}]");
            }

            output.WriteLine($"killed hub {victim}; {views.Count(v => v.AssignedReaderId == "card-wang")} cases with card-wang, " +
                $"{views.Count(v => v.AssignedReaderId == "card-chen")} with card-chen; Stat: {views.Count(v => v.Priority == CasePriority.Stat)}");
        }
        finally
        {
            foreach (HubProcess hub in hubs)
            {
                output.WriteLine($"--- hub on DICOM port {hub.DicomPort} (exited: {hub.HasExited}), last output:");
                output.WriteLine(Tail(hub.Output, 40));
                await hub.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Several devices send at once, each file to the next hub in turn; a file not acknowledged (refused connection,
    /// aborted association, failure status) is resent to another hub. The victim is killed once a third of the files
    /// are acknowledged, while other transfers are in flight.
    /// </summary>
    private async Task<IReadOnlyCollection<Sent>> SendWithKillAsync(List<Sent> files, List<HubProcess> hubs, int victim)
    {
        var queue = new ConcurrentQueue<Sent>(files);
        var acknowledged = new ConcurrentDictionary<string, Sent>();
        int killAfter = Instances / 3 + Random.Shared.Next(Instances / 6);
        int retries = 0;
        Task? killing = null;
        DateTime deadline = DateTime.UtcNow.AddMinutes(4);

        async Task SendAll(int sender)
        {
            while (queue.TryDequeue(out Sent? file))
            {
                for (int attempt = 0; ; attempt++)
                {
                    HubProcess hub = hubs[(file.Index + sender + attempt) % hubs.Count];
                    if (!hub.HasExited && await TrySendAsync(hub, file))
                    {
                        break;
                    }

                    Interlocked.Increment(ref retries);
                    if (DateTime.UtcNow > deadline)
                    {
                        throw new TimeoutException($"{file.SopInstanceUid} was not acknowledged by any hub after {attempt + 1} attempts");
                    }

                    await Task.Delay(100);
                }

                if (acknowledged.TryAdd(file.SopInstanceUid, file) && acknowledged.Count == killAfter)
                {
                    killing = Task.Run(async () =>
                    {
                        await Task.Delay(Random.Shared.Next(5, 50));
                        hubs[victim].Kill();
                    });
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Senders).Select(SendAll));
        Assert.NotNull(killing);
        await killing;
        output.WriteLine($"{acknowledged.Count} acknowledged, hub {victim} killed after {killAfter}, {retries} resends");
        return [.. acknowledged.Values];
    }

    private static async Task<bool> TrySendAsync(HubProcess hub, Sent file)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            StoreOutcome outcome = (await new StoreScu("STORESCU", "TELEMED").SendAsync("127.0.0.1", hub.DicomPort, [file.Path], timeout.Token))[0];
            return outcome.Succeeded;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException
            or DicomAssociationAbortedException or DicomAssociationRejectedException or DicomProtocolException)
        {
            return false; // the hub died under it, or never answered: not acknowledged
        }
    }

    private static async Task<IHost> ConnectAsync(string redis, string cluster)
    {
        IHost host = new HostBuilder()
            .UseOrleansClient(client => client
                .UseRedisClustering(redis)
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = cluster;
                    o.ServiceId = cluster;
                }))
            .Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Grain calls right after a silo died may be rejected until the cluster has moved its grains.</summary>
    private static async Task<T> Retry<T>(Func<Task<T>> call)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (attempt < 20 && e is OrleansException or TimeoutException)
            {
                await Task.Delay(500);
            }
        }
    }

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan timeout,
        Func<T, string>? describe = null)
    {
        DateTime until = DateTime.UtcNow + timeout;
        T value = await Retry(read);
        while (!condition(value))
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"gave up after {timeout} waiting for {what}; last: {describe?.Invoke(value) ?? value?.ToString()}");
            }

            await Task.Delay(1000);
            value = await Retry(read);
        }

        return value;
    }

    /// <summary>The repository's two sample ECGs (one STEMI, one normal) as distinct studies of distinct patients.</summary>
    private static List<Sent> WriteInstances(string directory)
    {
        Directory.CreateDirectory(directory);
        DicomFile[] templates = [.. new[] { "ecg-inferior-stemi-utf8.dcm", "ecg-normal-sinus-gb18030.dcm" }
            .Select(name => DicomFile.Open(Path.Combine(Repository, "samples", "dicom", name)))];
        var files = new List<Sent>();
        for (int i = 0; i < Instances; i++)
        {
            DicomFile template = templates[i % templates.Length];
            var builder = new DicomDatasetBuilder(template.Dataset.CharacterSet);
            foreach (DicomElement element in template.Dataset)
            {
                builder.AddElement(element);
            }

            string run = Guid.NewGuid().ToString();
            string sop = DicomUids.FromName($"telemed-cluster-test-sop-{run}");
            string study = DicomUids.FromName($"telemed-cluster-test-study-{run}");
            builder.Add("SOPInstanceUID", sop)
                .Add("StudyInstanceUID", study)
                .Add("SeriesInstanceUID", DicomUids.FromName($"telemed-cluster-test-series-{run}"))
                .Add("PatientID", $"CLUSTER-{i:D3}");
            string path = Path.Combine(directory, $"ecg-{i:D3}.dcm");
            DicomFile.Create(builder.Build()).Save(path);
            files.Add(new Sent(i, path, sop, study));
        }

        return files;
    }

    private string DataDirectory(int hub)
    {
        string path = Path.Combine(root, $"hub-{hub}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string Tail(string text, int lines) =>
        string.Join('\n', text.Split('\n').TakeLast(lines));

    private static string Repository => RepositoryPaths.Root;

    private sealed record Sent(int Index, string Path, string SopInstanceUid, string StudyInstanceUid);
}

/// <summary>A fact that runs where Debian's redis-server and PostgreSQL are installed, and is reported skipped elsewhere.</summary>
public sealed class ClusterFactAttribute : FactAttribute
{
    public ClusterFactAttribute()
    {
        if (PostgresFactAttribute.BinDirectory is null || !RedisServer.IsInstalled)
        {
            Skip = "the cluster test needs the Debian packages postgresql and redis-server";
        }
    }
}
