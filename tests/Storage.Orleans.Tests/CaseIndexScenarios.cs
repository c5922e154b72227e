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

    private static async Task<CaseRecord> Read(Func<CatalogDbContext> open, Guid caseId)
    {
        await using CatalogDbContext catalog = open();
        return await catalog.CaseRecords.AsNoTracking().SingleAsync(r => r.CaseId == caseId);
    }
}
