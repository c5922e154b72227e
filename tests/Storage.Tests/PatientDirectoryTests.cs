using Microsoft.Data.Sqlite;
using Telemed.Storage.Catalog;
using Telemed.Storage.Patients;
using Xunit;

namespace Telemed.Storage.Tests;

/// <summary>The community patient index on a real SQLite catalog file.</summary>
public sealed class PatientDirectoryTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly string databasePath;

    public PatientDirectoryTests() => databasePath = Path.Combine(temp.Path, "catalog.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        temp.Dispose();
    }

    private async Task<PatientDirectory> OpenAsync(string? path = null)
    {
        await using (SqliteCatalogDbContext context = CatalogDatabase.OpenSqlite(databasePath))
        {
            await CatalogDatabase.MigrateAsync(context);
        }

        return new PatientDirectory(() => CatalogDatabase.OpenSqlite(path ?? databasePath));
    }

    [Fact]
    public async Task Resolving_a_local_id_registers_once_and_then_finds_the_same_patient()
    {
        PatientDirectory directory = await OpenAsync();
        PatientResolution first = await directory.ResolveAsync("county-a", "town-1", "T-0001", new PatientDetails("Zhang^San=张^三", "M", new DateOnly(1961, 3, 4)));
        Assert.True(first.Created);
        Assert.True(PatientDirectory.IsCommunityPatientId(first.Patient.Id), first.Patient.Id);
        Assert.Equal(1, first.Patient.Version);

        PatientResolution again = await directory.ResolveAsync("county-a", "town-1", "T-0001", new PatientDetails("Someone^Else", "F", null));
        Assert.False(again.Created);
        Assert.Equal(first.Patient.Id, again.Patient.Id);
        Assert.Equal("Zhang^San=张^三", again.Patient.Name);

        // The same local id at another institution is another patient until someone links them.
        PatientResolution elsewhere = await directory.ResolveAsync("county-a", "village-1", "T-0001", new PatientDetails("Li^Si", null, null));
        Assert.True(elsewhere.Created);
        Assert.NotEqual(first.Patient.Id, elsewhere.Patient.Id);

        Patient? stored = await directory.FindAsync(first.Patient.Id);
        Assert.NotNull(stored);
        Assert.Equal(new DateOnly(1961, 3, 4), stored.BirthDate);
        Assert.Equal(("town-1", "T-0001"), (Assert.Single(stored.Identifiers).InstitutionId, stored.Identifiers[0].LocalId));
        Assert.True(await directory.ExistsAsync(first.Patient.Id, "county-a"));
        Assert.False(await directory.ExistsAsync(first.Patient.Id, "county-b"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => directory.ResolveAsync("county-b", "town-1", "T-0001", new PatientDetails("X", null, null)));
    }

    /// <summary>
    /// Writers that do not share the in-process write gate (the same file through a second path, as another process
    /// would open it) race on the key of patient_identifiers: exactly one patient results.
    /// </summary>
    [Fact]
    public async Task Concurrent_resolves_of_one_local_id_from_separate_writers_yield_one_patient()
    {
        string alias = Path.Combine(temp.Path, "alias");
        Directory.CreateSymbolicLink(alias, temp.Path);
        PatientDirectory one = await OpenAsync();
        PatientDirectory other = await OpenAsync(Path.Combine(alias, "catalog.db"));
        PatientResolution[] results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            (i % 2 == 0 ? one : other).ResolveAsync("county-a", "town-1", "T-RACE", new PatientDetails($"Racer^{i}", null, null)))));

        Assert.Single(results.Select(r => r.Patient.Id).Distinct());
        Assert.Single(results, r => r.Created);
        await using SqliteCatalogDbContext catalog = CatalogDatabase.OpenSqlite(databasePath);
        Assert.Equal(1, catalog.Patients.Count());
        Assert.Equal(1, catalog.PatientIdentifiers.Count());
    }

    [Fact]
    public async Task Search_finds_chinese_and_latin_names_by_part_within_the_community_and_institution()
    {
        PatientDirectory directory = await OpenAsync();
        string wang = (await directory.ResolveAsync("county-a", "town-1", "T-1", new PatientDetails("Wang^Xiaoming=王^小明", "M", null))).Patient.Id;
        string wangLi = (await directory.ResolveAsync("county-a", "village-1", "V-1", new PatientDetails("王丽华", "F", null))).Patient.Id;
        string zhang = (await directory.ResolveAsync("county-a", "town-1", "T-2", new PatientDetails("Zhang^Wei=张^伟", "M", null))).Patient.Id;
        string other = (await directory.ResolveAsync("county-b", "town-9", "T-1", new PatientDetails("王^小明", "M", null))).Patient.Id;

        Assert.Equal(Ids(wang, wangLi), Ids(await directory.SearchAsync(new PatientSearch("county-a", Name: "王"))));
        Assert.Equal(Ids(wang), Ids(await directory.SearchAsync(new PatientSearch("county-a", Name: "王小明"))));
        Assert.Equal(Ids(wang), Ids(await directory.SearchAsync(new PatientSearch("county-a", Name: "小明"))));
        Assert.Equal(Ids(wang), Ids(await directory.SearchAsync(new PatientSearch("county-a", Name: "wang xiao"))));
        // Full-width Latin letters, as Chinese input methods type them, fold to ASCII.
        Assert.Equal(Ids(zhang), Ids(await directory.SearchAsync(new PatientSearch("county-a", Name: "ｚｈａｎｇ"))));
        Assert.Equal(Ids(other), Ids(await directory.SearchAsync(new PatientSearch("county-b", Name: "王"))));
        Assert.Equal(Ids(wang), Ids(await directory.SearchAsync(new PatientSearch("county-a", VisibleAt: "town-1", Name: "王"))));
        Assert.Equal(Ids(wangLi), Ids(await directory.SearchAsync(new PatientSearch("county-a", LocalId: "V-1"))));
        Assert.Equal(Ids(wang), Ids(await directory.SearchAsync(new PatientSearch("county-a", InstitutionId: "town-1", LocalId: "T-1"))));
        Assert.Empty(await directory.SearchAsync(new PatientSearch("county-a", InstitutionId: "village-1", LocalId: "T-1")));

        IReadOnlyList<Patient> all = await directory.SearchAsync(new PatientSearch("county-a"));
        Assert.Equal(3, all.Count);
        IReadOnlyList<Patient> page = await directory.SearchAsync(new PatientSearch("county-a", Limit: 2, Offset: 1));
        Assert.Equal(all.Skip(1).Select(p => p.Id), page.Select(p => p.Id));

        static string[] Ids(params IEnumerable<object> patients) =>
            [.. patients.Select(p => p is Patient patient ? patient.Id : (string)p).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task Updates_check_the_version_and_links_refuse_a_local_id_of_another_patient()
    {
        PatientDirectory directory = await OpenAsync();
        Patient patient = (await directory.ResolveAsync("county-a", "town-1", "T-1", new PatientDetails("Li^Na", "F", null))).Patient;
        Patient second = (await directory.ResolveAsync("county-a", "town-1", "T-2", new PatientDetails("Chen^Bo", "M", null))).Patient;

        PatientChange updated = await directory.UpdateAsync(patient.Id, 1, new PatientDetails("Li^Na=李^娜", "F", new DateOnly(1980, 1, 2)));
        Assert.Equal(PatientChangeOutcome.Changed, updated.Outcome);
        Assert.Equal(2, updated.Patient!.Version);
        PatientChange stale = await directory.UpdateAsync(patient.Id, 1, new PatientDetails("Overwritten", null, null));
        Assert.Equal(PatientChangeOutcome.Stale, stale.Outcome);
        Assert.Equal("Li^Na=李^娜", (await directory.FindAsync(patient.Id))!.Name);
        Assert.Equal(PatientChangeOutcome.NotFound, (await directory.UpdateAsync("P0000000000000000", null, new PatientDetails("X", null, null))).Outcome);

        PatientChange linked = await directory.LinkAsync(patient.Id, "county-hospital", "C-77");
        Assert.Equal(PatientChangeOutcome.Changed, linked.Outcome);
        Assert.Equal(3, linked.Patient!.Version);
        Assert.Equal(PatientChangeOutcome.Unchanged, (await directory.LinkAsync(patient.Id, "county-hospital", "C-77")).Outcome);
        PatientChange taken = await directory.LinkAsync(second.Id, "county-hospital", "C-77");
        Assert.Equal(PatientChangeOutcome.Taken, taken.Outcome);
        Assert.Equal(patient.Id, taken.TakenBy);
        Assert.Equal(
            [("county-hospital", "C-77"), ("town-1", "T-1")],
            (await directory.FindAsync(patient.Id))!.Identifiers.Select(i => (i.InstitutionId, i.LocalId)).ToArray());
        Assert.Equal(patient.Id, (await directory.ResolveAsync("county-a", "county-hospital", "C-77", new PatientDetails("Ignored", null, null))).Patient.Id);
    }

    [Fact]
    public async Task Merging_a_duplicate_moves_its_local_ids_and_retires_it()
    {
        PatientDirectory directory = await OpenAsync();
        Patient kept = (await directory.ResolveAsync("county-a", "town-1", "T-1", new PatientDetails("Wang^Fang=王^芳", "F", null))).Patient;
        Patient duplicate = (await directory.ResolveAsync("county-a", "village-1", "V-1", new PatientDetails("王芳", "F", null))).Patient;
        await directory.LinkAsync(duplicate.Id, "county-hospital", "C-1");

        Assert.Equal(PatientChangeOutcome.Stale, (await directory.MergeAsync(duplicate.Id, kept.Id, 1)).Outcome);
        PatientChange merged = await directory.MergeAsync(duplicate.Id, kept.Id, 2);
        Assert.Equal(PatientChangeOutcome.Changed, merged.Outcome);
        Assert.Equal(kept.Id, merged.Patient!.Id);
        Assert.Equal(
            [("county-hospital", "C-1"), ("town-1", "T-1"), ("village-1", "V-1")],
            (await directory.FindAsync(kept.Id))!.Identifiers.Select(i => (i.InstitutionId, i.LocalId)).ToArray());
        Patient retired = (await directory.FindAsync(duplicate.Id))!;
        Assert.Equal(kept.Id, retired.MergedIntoId);
        Assert.Empty(retired.Identifiers);

        // The village's local id now finds the kept patient; the duplicate is out of searches and takes no changes.
        Assert.Equal(kept.Id, (await directory.ResolveAsync("county-a", "village-1", "V-1", new PatientDetails("X", null, null))).Patient.Id);
        Assert.Equal(kept.Id, Assert.Single(await directory.SearchAsync(new PatientSearch("county-a", Name: "王芳"))).Id);
        Assert.False(await directory.ExistsAsync(duplicate.Id, "county-a"));
        Assert.Equal(PatientChangeOutcome.Merged, (await directory.UpdateAsync(duplicate.Id, null, new PatientDetails("Y", null, null))).Outcome);
        Assert.Equal(PatientChangeOutcome.Merged, (await directory.LinkAsync(duplicate.Id, "town-1", "T-9")).Outcome);
        Assert.Equal(PatientChangeOutcome.Merged, (await directory.MergeAsync(duplicate.Id, kept.Id, null)).Outcome);
        Patient foreign = (await directory.ResolveAsync("county-b", "town-9", "T-1", new PatientDetails("Wang^Fang", "F", null))).Patient;
        await Assert.ThrowsAsync<ArgumentException>(() => directory.MergeAsync(foreign.Id, kept.Id, null));
        await Assert.ThrowsAsync<ArgumentException>(() => directory.MergeAsync(kept.Id, kept.Id, null));
    }

    [Theory]
    [InlineData("Wang^Xiaoming=王^小明=ワン^シャオミン", null)]
    [InlineData("a=b=c=d", "three component groups")]
    [InlineData("a^b^c^d^e^f", "five components")]
    [InlineData("back\\slash", "backslash")]
    [InlineData("  ", "required")]
    public void Person_names_follow_the_pn_rules(string name, string? problem)
    {
        string? found = PatientName.Problem(name);
        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(problem, found, StringComparison.Ordinal);
        }
    }
}
