using Microsoft.EntityFrameworkCore;
using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Storage.Catalog;
using Telemed.Storage.Orleans.Cases;
using Xunit;

namespace Telemed.Storage.Orleans.Tests;

/// <summary>The case index on each provider: an entry reads back through EF Core as written, and only a newer revision replaces it.</summary>
internal static class CaseIndexScenarios
{
    private static readonly DateTimeOffset Opened = new(2026, 11, 27, 8, 0, 0, 123, TimeSpan.Zero);

    public static async Task An_entry_reads_back_and_only_a_newer_revision_replaces_it(Func<CatalogDbContext> open)
    {
        var index = new CatalogCaseIndex(open);
        var caseId = Guid.NewGuid();
        CaseIndexEntry opened = new(caseId, "county-1", "county-1", "township-a", "staff-ta", CaseKind.EcgRead, CasePriority.Stat,
            Specialty.Cardiology, CaseStatus.New, null, null, "chest pain, ST?", Opened, null, null, null, null,
            Opened.AddMinutes(10), false, Opened, 1);
        await index.WriteAsync(opened);
        CaseRecord first = await Read(open, caseId);
        Assert.Equal(("New", "Stat", "EcgRead", "Cardiology", "chest pain, ST?"), (first.Status, first.Priority, first.Kind, first.Specialty, first.ClinicalQuestion));
        Assert.Equal((Opened, Opened.AddMinutes(10)), (first.OpenedAt, first.SlaDueAt));
        Assert.Null(first.PatientId);
        Assert.Null(first.AssignedAt);

        CaseIndexEntry assigned = opened with
        {
            Status = CaseStatus.Assigned, AssignedReaderId = "card-a", PatientId = "p-1", AssignedAt = Opened.AddSeconds(1),
            SlaBreached = true, UpdatedAt = Opened.AddSeconds(1), Revision = 2,
        };
        await index.WriteAsync(assigned);
        await index.WriteAsync(opened); // late: ignored
        await index.WriteAsync(assigned with { ClinicalQuestion = "same revision" }); // repeated revision: ignored
        CaseRecord second = await Read(open, caseId);
        Assert.Equal(("Assigned", "card-a", "p-1", 2L), (second.Status, second.AssignedReaderId, second.PatientId, second.Revision));
        Assert.Equal(Opened.AddSeconds(1), second.AssignedAt);
        Assert.True(second.SlaBreached);
        Assert.Equal("chest pain, ST?", second.ClinicalQuestion);

        await using CatalogDbContext catalog = open();
        Assert.Equal(1, await catalog.CaseRecords.CountAsync(r => r.AssignedReaderId == "card-a" && r.Status == "Assigned"));
        Assert.Equal(1, await catalog.CaseRecords.CountAsync(r => r.OpenedAt >= Opened && r.OpenedAt < Opened.AddSeconds(1)));
    }

    /// <summary>
    /// The pool's deadline tick reads New cases and the open cases whose accept deadline passed or whose SLA reached three
    /// quarters (unwarned) or passed (unbreached); not closed cases, other pools, or cases with nothing due.
    /// </summary>
    public static async Task A_pool_reads_the_cases_its_deadline_tick_must_look_at(Func<CatalogDbContext> open)
    {
        var index = new CatalogCaseIndex(open);
        DateTimeOffset now = Opened.AddMinutes(8);
        CaseIndexEntry Case(CaseStatus status, string pool = "county-1", Specialty specialty = Specialty.Cardiology) => new(
            Guid.NewGuid(), "county-1", pool, "township-a", "staff-ta", CaseKind.EcgRead, CasePriority.Routine, specialty, status,
            null, status == CaseStatus.New ? null : "card-a", "q", Opened, null, null, null, null, Opened.AddMinutes(100), false, Opened, 1);
        CaseIndexEntry waiting = Case(CaseStatus.New);
        CaseIndexEntry acceptDue = Case(CaseStatus.Assigned) with { AcceptDueAt = now };
        CaseIndexEntry acceptLater = Case(CaseStatus.Assigned) with { AcceptDueAt = now.AddMilliseconds(1) };
        CaseIndexEntry warnDue = Case(CaseStatus.InProgress) with { SlaDueAt = Opened.AddMinutes(10) }; // 3/4 at 7.5 min
        CaseIndexEntry warned = warnDue with { CaseId = Guid.NewGuid(), SlaWarned = true };
        CaseIndexEntry breachDue = Case(CaseStatus.Preliminary) with { SlaDueAt = now, SlaWarned = true };
        CaseIndexEntry breached = breachDue with { CaseId = Guid.NewGuid(), SlaBreached = true };
        CaseIndexEntry signed = Case(CaseStatus.Signed) with { SlaDueAt = now, AcceptDueAt = now };
        CaseIndexEntry otherPool = Case(CaseStatus.New, pool: "county-2");
        CaseIndexEntry otherSpecialty = Case(CaseStatus.New, specialty: Specialty.Radiology);
        foreach (CaseIndexEntry entry in new[] { waiting, acceptDue, acceptLater, warnDue, warned, breachDue, breached, signed, otherPool, otherSpecialty })
        {
            await index.WriteAsync(entry);
        }

        IReadOnlyList<CaseIndexEntry> due = await index.DeadlineCasesOfPoolAsync("county-1", Specialty.Cardiology, now);
        Assert.Equal(
            new[] { waiting.CaseId, acceptDue.CaseId, warnDue.CaseId, breachDue.CaseId }.Order(),
            due.Select(e => e.CaseId).Order());
        Assert.Equal(now, due.Single(e => e.CaseId == acceptDue.CaseId).AcceptDueAt);
        Assert.True(due.Single(e => e.CaseId == breachDue.CaseId).SlaWarned);
    }

    private static async Task<CaseRecord> Read(Func<CatalogDbContext> open, Guid caseId)
    {
        await using CatalogDbContext catalog = open();
        return await catalog.CaseRecords.AsNoTracking().SingleAsync(r => r.CaseId == caseId);
    }
}

/// <summary>On SQLite a case's index entry commits in the same transaction as its state: both or neither.</summary>
public sealed class CaseIndexAtomicityTests : IDisposable
{
    private readonly List<CatalogFile> files = [];

    public void Dispose()
    {
        foreach (CatalogFile file in files)
        {
            file.Dispose();
        }
    }

    [Fact]
    public async Task The_entry_and_the_state_commit_together_and_a_refused_state_write_leaves_no_entry()
    {
        CatalogFile file = await CatalogFile.CreateAsync();
        files.Add(file);
        var storage = new GrainState.CatalogGrainStorage(file.Open, Hosting.CatalogSiloBuilderExtensions.StateJson);
        var index = new CatalogCaseIndex(file.Open);
        var caseId = Guid.NewGuid();
        var grain = global::Orleans.Runtime.GrainId.Create("case", caseId.ToString("N"));
        DateTimeOffset at = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
        CaseIndexEntry entry = new(caseId, "county-1", "county-1", "township-a", "staff-ta", CaseKind.EcgRead, CasePriority.Routine,
            Specialty.Cardiology, CaseStatus.New, null, null, "q", at, null, null, null, null, at.AddHours(4), false, at, 1);
        var state = new TestGrainState<CounterState> { State = new CounterState { Count = 1 } };

        Assert.True(await index.WriteWithStateAsync(entry, () => storage.WriteStateAsync("case", grain, state)));
        Assert.Equal("New", (await Read(file.Open, caseId))!.Status);

        // A second activation's write over a stale ETag is refused: the entry that came with it must not land either.
        var stale = new TestGrainState<CounterState> { State = new CounterState { Count = 2 }, ETag = "0", RecordExists = true };
        await Assert.ThrowsAsync<global::Orleans.Storage.InconsistentStateException>(() =>
            index.WriteWithStateAsync(entry with { Status = CaseStatus.Cancelled, Revision = 2 }, () => storage.WriteStateAsync("case", grain, stale)));
        Assert.Equal(("New", 1L), ((await Read(file.Open, caseId))!.Status, (await Read(file.Open, caseId))!.Revision));
    }

    private static async Task<CaseRecord?> Read(Func<CatalogDbContext> open, Guid caseId)
    {
        await using CatalogDbContext catalog = open();
        return await catalog.CaseRecords.AsNoTracking().SingleOrDefaultAsync(r => r.CaseId == caseId);
    }
}
