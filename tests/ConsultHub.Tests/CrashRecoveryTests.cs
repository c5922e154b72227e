using Microsoft.EntityFrameworkCore;
using Telemed.Dicom.Data;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Files;
using Telemed.Dicom.Network;
using Telemed.Storage.Catalog;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.ConsultHub.Tests;

/// <summary>
/// A device may delete its copy once the hub answers C-STORE success, so that answer must survive anything. The hub
/// is killed with SIGKILL in the middle of a 200-instance transfer, restarted on the same data, and checked: every
/// instance that was answered with success is in the store byte for byte, and a full resend adds no duplicate.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output) : IDisposable
{
    private const int Instances = 200;
    private readonly string root = Path.Combine(Path.GetTempPath(), "telemed-crash-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task Kill_9_during_a_200_instance_transfer_loses_no_acknowledged_instance_and_a_resend_adds_no_duplicate()
    {
        string data = Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        IReadOnlyList<(string Path, string SopInstanceUid)> files = WriteInstances(Path.Combine(root, "send"));
        var acknowledged = new List<(string Path, string SopInstanceUid)>();

        await using (HubProcess hub = await HubProcess.StartAsync(data))
        {
            var scu = new StoreScu("STORESCU", "TELEMED");
            int killAfter = 60 + Random.Shared.Next(40);
            Task? killing = null;
            foreach (var file in files)
            {
                StoreOutcome outcome;
                try
                {
                    outcome = (await scu.SendAsync("127.0.0.1", hub.DicomPort, [file.Path]))[0];
                }
                catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or DicomAssociationAbortedException)
                {
                    continue; // the hub is gone: this one was never acknowledged
                }

                if (outcome.Succeeded)
                {
                    acknowledged.Add(file);
                }

                if (acknowledged.Count == killAfter && killing is null)
                {
                    // Kill while the next transfers are in flight, not between them.
                    killing = Task.Run(async () =>
                    {
                        await Task.Delay(Random.Shared.Next(5, 40));
                        hub.Kill();
                    });
                }
            }

            await killing!;
        }

        output.WriteLine($"{acknowledged.Count} of {Instances} acknowledged before the kill");
        Assert.InRange(acknowledged.Count, 60, Instances - 1);

        await using (HubProcess hub = await HubProcess.StartAsync(data))
        {
            Dictionary<string, StoredInstance> stored = await CatalogRows(data);
            foreach (var (path, uid) in acknowledged)
            {
                Assert.True(stored.TryGetValue(uid, out StoredInstance? row), $"acknowledged {uid} is not in the catalog after the crash");
                AssertSameDataSet(path, Path.Combine(data, "blobs", row!.BlobHash[..2], row.BlobHash[2..4], row.BlobHash));
            }

            IReadOnlyList<StoreOutcome> resent = await new StoreScu("STORESCU", "TELEMED").SendAsync("127.0.0.1", hub.DicomPort, [.. files.Select(f => f.Path)]);
            Assert.All(resent, o => Assert.True(o.Succeeded, $"{o.Path}: {o.Status:X4} {o.Error}"));

            Dictionary<string, StoredInstance> after = await CatalogRows(data);
            Assert.Equal(Instances, files.Count(f => after.ContainsKey(f.SopInstanceUid)));
            Assert.All(files, f => Assert.Equal(1, after[f.SopInstanceUid].Version));
            await using SqliteCatalogDbContext catalog = CatalogDatabase.OpenSqlite(Path.Combine(data, "catalog.db"));
            HashSet<string> ours = [.. files.Select(f => f.SopInstanceUid)];
            Assert.Equal(Instances, (await catalog.Instances.AsNoTracking().Select(i => i.SopInstanceUid).ToListAsync()).Count(ours.Contains));
        }
    }

    private static async Task<Dictionary<string, StoredInstance>> CatalogRows(string data)
    {
        await using SqliteCatalogDbContext catalog = CatalogDatabase.OpenSqlite(Path.Combine(data, "catalog.db"));
        List<StoredInstance> rows = await catalog.Instances.AsNoTracking().ToListAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return rows.GroupBy(r => r.SopInstanceUid).ToDictionary(g => g.Key, g => g.Single());
    }

    private static void AssertSameDataSet(string sent, string blob)
    {
        Assert.True(File.Exists(blob), $"blob {blob} missing");
        DicomDataset a = DicomFile.Open(sent).Dataset;
        DicomDataset b = DicomFile.Open(blob).Dataset;
        Assert.Equal(a.Select(e => e.Tag), b.Select(e => e.Tag));
        foreach ((DicomElement x, DicomElement y) in a.Zip(b))
        {
            Assert.True(x.Value.Span.SequenceEqual(y.Value.Span), $"{sent}: {x.Tag} differs in the store");
        }
    }

    /// <summary>200 distinct instances of the synthetic chest CR (about 0.5 MB each).</summary>
    private static List<(string, string)> WriteInstances(string directory)
    {
        Directory.CreateDirectory(directory);
        string sample = Path.Combine(Repository, "samples", "dicom", "cr-chest-pa-gb18030.dcm");
        DicomFile template = DicomFile.Open(sample);
        var files = new List<(string, string)>();
        for (int i = 0; i < Instances; i++)
        {
            var builder = new DicomDatasetBuilder(template.Dataset.CharacterSet);
            foreach (DicomElement element in template.Dataset)
            {
                builder.AddElement(element);
            }

            string uid = DicomUids.FromName($"telemed-crash-test-{Guid.NewGuid()}");
            builder.Add("SOPInstanceUID", uid).Add("InstanceNumber", $"{i + 1}");
            string path = Path.Combine(directory, $"cr-{i:D3}.dcm");
            DicomFile.Create(builder.Build()).Save(path);
            files.Add((path, uid));
        }

        return files;
    }

    private static string Repository => RepositoryPaths.Root;
}
