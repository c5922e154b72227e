using Telemed.Storage.Catalog;
using Telemed.Storage.Patients;
using Xunit;

namespace Telemed.Storage.Orleans.Tests;

/// <summary>
/// The community patient index on PostgreSQL, the cluster's catalog: separate directories (as separate hub processes)
/// race on one local id, and names in Chinese are searched by part.
/// </summary>
public sealed class PatientDirectoryPostgresTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [PostgresFact]
    public async Task Concurrent_resolves_yield_one_patient_and_chinese_names_are_found_by_part()
    {
        Func<CatalogDbContext> open = await server.CreateCatalogAsync();
        PatientDirectory[] directories = [.. Enumerable.Range(0, 4).Select(_ => new PatientDirectory(open))];
        PatientResolution[] results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            directories[i % directories.Length].ResolveAsync("county-a", "town-1", "T-RACE", new PatientDetails("Wang^Xiaoming=王^小明", "M", new DateOnly(1958, 12, 31))))));
        string id = Assert.Single(results.Select(r => r.Patient.Id).Distinct());
        Assert.Single(results, r => r.Created);

        await directories[1].ResolveAsync("county-a", "village-1", "V-1", new PatientDetails("王丽华", "F", null));
        Assert.Equal(2, (await directories[2].SearchAsync(new PatientSearch("county-a", Name: "王"))).Count);
        Assert.Equal(id, Assert.Single(await directories[3].SearchAsync(new PatientSearch("county-a", Name: "小明"))).Id);
        Assert.Equal(new DateOnly(1958, 12, 31), (await directories[0].FindAsync(id))!.BirthDate);

        PatientChange[] edits = await Task.WhenAll(directories.Select((d, i) => d.UpdateAsync(id, 1, new PatientDetails($"Wang^Edit{i}", "M", null))));
        Assert.Single(edits, e => e.Outcome == PatientChangeOutcome.Changed);
        Assert.Equal(3, edits.Count(e => e.Outcome == PatientChangeOutcome.Stale));
        Assert.Equal(PatientChangeOutcome.Taken, (await directories[0].LinkAsync(
            (await directories[0].ResolveAsync("county-a", "town-1", "T-OTHER", new PatientDetails("Li^Si", null, null))).Patient.Id, "town-1", "T-RACE")).Outcome);
    }
}
