using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Network;
using Telemed.Storage.Catalog;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.ConsultHub.Tests;

/// <summary>
/// An acknowledged ECG must reach a reader even if the hub dies right after its C-STORE success: the "ingested" event
/// is committed with the catalog row (transactional outbox) and delivered after a restart. The hub is killed with
/// SIGKILL while ECGs (each its own study) stream in over four associations, restarted on the same data, every
/// instance is sent again (an acknowledged resend of an already stored object raises no new event, so only the outbox
/// can open the case of one whose event was lost), and the catalog's grain state must show one opened case per study.
/// </summary>
public sealed class IngestCrashRecoveryTests(ITestOutputHelper output) : IDisposable
{
    private const int Studies = 48;
    private readonly string root = Path.Combine(Path.GetTempPath(), "telemed-outbox-crash-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task Kill_9_right_after_c_store_successes_leaves_no_acknowledged_ecg_without_its_case()
    {
        string data = Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        IReadOnlyList<(string Path, string StudyUid)> files = WriteEcgs(Path.Combine(root, "send"));
        int acknowledged = 0;

        await using (HubProcess hub = await HubProcess.StartAsync(data))
        {
            int killAfter = 8 + Random.Shared.Next(16);
            using var killed = new CancellationTokenSource();
            Task? killing = null;
            var queue = new System.Collections.Concurrent.ConcurrentQueue<(string Path, string StudyUid)>(files);
            async Task SendLoop()
            {
                var scu = new StoreScu("STORESCU", "TELEMED");
                while (!killed.IsCancellationRequested && queue.TryDequeue(out var file))
                {
                    StoreOutcome outcome;
                    try
                    {
                        outcome = (await scu.SendAsync("127.0.0.1", hub.DicomPort, [file.Path]))[0];
                    }
                    catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or DicomAssociationAbortedException
                        or DicomAssociationRejectedException)
                    {
                        continue; // the hub is gone
                    }

                    if (outcome.Succeeded && Interlocked.Increment(ref acknowledged) == killAfter)
                    {
                        // Right after a success, while the other associations' stores and their events are in flight.
                        killing = Task.Run(() =>
                        {
                            hub.Kill();
                            killed.Cancel();
                        });
                    }
                }
            }

            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(SendLoop)));
            Assert.NotNull(killing);
            await killing;
        }

        output.WriteLine($"{acknowledged} of {Studies} acknowledged before the kill, {(await OutboxAsync(data)).Count} events still queued");

        await using (HubProcess hub = await HubProcess.StartAsync(data))
        {
            IReadOnlyList<StoreOutcome> resent = await new StoreScu("STORESCU", "TELEMED").SendAsync("127.0.0.1", hub.DicomPort, [.. files.Select(f => f.Path)]);
            Assert.All(resent, o => Assert.True(o.Succeeded, $"{o.Path}: {o.Status:X4} {o.Error}"));

            HashSet<string> studies = [.. files.Select(f => f.StudyUid)];
            Dictionary<string, Guid> cases = await PollAsync(() => OpenedCasesAsync(data, studies), c => c.Count == Studies,
                TimeSpan.FromSeconds(90), $"an opened case for each of the {Studies} studies");
            Assert.Equal(Studies, cases.Values.Distinct().Count());
            List<PendingIngestEvent> left = await PollAsync(() => OutboxAsync(data), o => o.Count == 0, TimeSpan.FromSeconds(60), "the outbox to empty");
            Assert.Empty(left);
            Assert.DoesNotContain("parked", hub.Output, StringComparison.Ordinal);
        }
    }

    /// <summary>The study grains' persisted state (grain_states, state "study"): study UID → case id, for opened cases only.</summary>
    private static async Task<Dictionary<string, Guid>> OpenedCasesAsync(string data, HashSet<string> studies)
    {
        List<GrainStateRecord> rows;
        await using (SqliteCatalogDbContext catalog = CatalogDatabase.OpenSqlite(Path.Combine(data, "catalog.db")))
        {
            rows = await catalog.GrainStates.AsNoTracking().Where(g => g.StateName == "study").ToListAsync();
        }

        var opened = new Dictionary<string, Guid>();
        foreach (GrainStateRecord row in rows)
        {
            string key = row.GrainId[(row.GrainId.IndexOf('/', StringComparison.Ordinal) + 1)..];
            using JsonDocument state = JsonDocument.Parse(row.Json);
            if (studies.Contains(key) && state.RootElement.GetProperty("CaseOpened").GetBoolean())
            {
                opened[key] = state.RootElement.GetProperty("CaseId").GetGuid();
            }
        }

        return opened;
    }

    private static async Task<List<PendingIngestEvent>> OutboxAsync(string data)
    {
        await using SqliteCatalogDbContext catalog = CatalogDatabase.OpenSqlite(Path.Combine(data, "catalog.db"));
        return await catalog.IngestOutbox.AsNoTracking().ToListAsync();
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            T value = await read();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {timeout} for {what}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Distinct ECGs from the STEMI sample, each in a study of its own (a case per study).</summary>
    private static List<(string, string)> WriteEcgs(string directory)
    {
        Directory.CreateDirectory(directory);
        DicomFile template = DicomFile.Open(Path.Combine(Repository, "samples", "dicom", "ecg-inferior-stemi-utf8.dcm"));
        var files = new List<(string, string)>();
        for (int i = 0; i < Studies; i++)
        {
            var builder = new DicomDatasetBuilder(template.Dataset.CharacterSet);
            foreach (DicomElement element in template.Dataset)
            {
                builder.AddElement(element);
            }

            string study = DicomUids.FromName($"telemed-outbox-study-{Guid.NewGuid()}");
            builder.Add("StudyInstanceUID", study)
                .Add("SeriesInstanceUID", DicomUids.FromName($"telemed-outbox-series-{Guid.NewGuid()}"))
                .Add("SOPInstanceUID", DicomUids.FromName($"telemed-outbox-ecg-{Guid.NewGuid()}"));
            string path = Path.Combine(directory, $"ecg-{i:D3}.dcm");
            DicomFile.Create(builder.Build()).Save(path);
            files.Add((path, study));
        }

        return files;
    }

    private static string Repository => RepositoryPaths.Root;
}
