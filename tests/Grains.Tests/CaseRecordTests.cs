using Microsoft.EntityFrameworkCore;
using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Storage.Catalog;
using Telemed.Storage.Orleans.Cases;
using Xunit;

namespace Telemed.Grains.Tests;

/// <summary>The catalog's case_records row follows the case grain through its lifecycle, read back with EF Core.</summary>
public sealed class CaseRecordTests : SiloTest
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_record_follows_a_case_from_new_to_signed_with_its_times()
    {
        await County.DefineAsync(Grains);
        Guid caseId = await County.OpenAsync(Grains, CasePriority.Urgent, patientId: "patient-7");
        ICaseGrain grain = Grains.GetGrain<ICaseGrain>(caseId);

        CaseRecord opened = await RecordAsync(caseId);
        Assert.Equal(("New", "Urgent", "EcgRead", "Cardiology"), (opened.Status, opened.Priority, opened.Kind, opened.Specialty));
        Assert.Equal((County.Id, County.Id, County.TownshipA, "staff-ta", "patient-7"),
            (opened.CommunityId, opened.RoutedCommunityId, opened.RequestingInstitutionId, opened.RequestedBy, opened.PatientId));
        Assert.Equal("Urgent EcgRead for reading", opened.ClinicalQuestion);
        Assert.Equal((Start, Start.AddMinutes(30)), (opened.OpenedAt, opened.SlaDueAt));
        Assert.Equal<DateTimeOffset?[]>([null, null, null, null], [opened.AssignedAt, opened.AcceptedAt, opened.SignedAt, opened.ClosedAt]);
        Assert.Null(opened.AssignedReaderId);
        Assert.False(opened.SlaBreached);

        Time.Advance(TimeSpan.FromMinutes(1));
        await County.OnDutyAsync(Grains, "card-a");
        await County.AssignedAsync(Grains, caseId);
        CaseRecord assigned = await RecordAsync(caseId);
        Assert.Equal(("Assigned", "card-a", Start.AddMinutes(1)), (assigned.Status, assigned.AssignedReaderId, assigned.AssignedAt));
        Assert.True(assigned.Revision > opened.Revision);

        Time.Advance(TimeSpan.FromMinutes(2));
        await grain.AcceptAsync("card-a");
        CaseRecord accepted = await RecordAsync(caseId);
        Assert.Equal(("InProgress", Start.AddMinutes(3), Start.AddMinutes(1)), (accepted.Status, accepted.AcceptedAt, accepted.AssignedAt));

        Time.Advance(TimeSpan.FromMinutes(4));
        await grain.MarkSignedAsync("card-a", 1);
        CaseRecord signed = await RecordAsync(caseId);
        Assert.Equal(("Signed", "card-a"), (signed.Status, signed.AssignedReaderId));
        Assert.Equal((Start.AddMinutes(7), Start.AddMinutes(7)), (signed.SignedAt, signed.ClosedAt));
        Assert.Equal((Start.AddMinutes(1), Start.AddMinutes(3), Start.AddMinutes(7)), (signed.AssignedAt, signed.AcceptedAt, signed.UpdatedAt));

        // An amendment changes the status, never the first signature's time.
        Time.Advance(TimeSpan.FromMinutes(5));
        await grain.MarkAmendedAsync("card-a", 2, "typo");
        CaseRecord amended = await RecordAsync(caseId);
        Assert.Equal(("Amended", Start.AddMinutes(7), Start.AddMinutes(12)), (amended.Status, amended.SignedAt, amended.UpdatedAt));
    }

    [Fact]
    public async Task A_cancelled_case_is_closed_without_a_signature_and_a_breach_shows()
    {
        await County.DefineAsync(Grains);
        Guid caseId = await County.OpenAsync(Grains, CasePriority.Stat);
        // Nobody on duty: the Stat SLA (10 minutes) passes while the case waits.
        Time.Advance(TimeSpan.FromMinutes(11));
        await Eventually.Until(() => RecordAsync(caseId), r => r.SlaBreached, "the breach in the record", seconds: 30);

        await Grains.GetGrain<ICaseGrain>(caseId).CancelAsync("staff-ta", "sent by ambulance instead");
        CaseRecord cancelled = await RecordAsync(caseId);
        Assert.Equal("Cancelled", cancelled.Status);
        Assert.Equal(Start.AddMinutes(11), cancelled.ClosedAt);
        Assert.Null(cancelled.SignedAt);
        Assert.Null(cancelled.AssignedAt);
        Assert.True(cancelled.SlaBreached);
    }

    [Fact]
    public async Task A_stale_or_repeated_entry_does_not_move_the_record_back()
    {
        await County.DefineAsync(Grains);
        Guid caseId = await County.OpenAsync(Grains, CasePriority.Routine);
        await County.OnDutyAsync(Grains, "card-b");
        await County.AssignedAsync(Grains, caseId);
        CaseRecord assigned = await RecordAsync(caseId);

        // What a late writer would send: the case as it was when opened, with that revision.
        var index = new CatalogCaseIndex(() => CatalogDatabase.OpenSqlite(DatabasePath));
        await index.WriteAsync(new CaseIndexEntry(caseId, County.Id, County.Id, County.TownshipA, "staff-ta", CaseKind.EcgRead,
            CasePriority.Routine, Specialty.Cardiology, CaseStatus.New, null, null, "stale", Start, null, null, null, null,
            Start.AddHours(4), false, Start, assigned.Revision - 1));
        await index.WriteAsync(new CaseIndexEntry(caseId, County.Id, County.Id, County.TownshipA, "staff-ta", CaseKind.EcgRead,
            CasePriority.Routine, Specialty.Cardiology, CaseStatus.New, null, null, "same revision", Start, null, null, null, null,
            Start.AddHours(4), false, Start, assigned.Revision));

        CaseRecord after = await RecordAsync(caseId);
        Assert.Equal(("Assigned", "card-b", assigned.Revision), (after.Status, after.AssignedReaderId, after.Revision));
        Assert.Equal(assigned.ClinicalQuestion, after.ClinicalQuestion);
    }

    private async Task<CaseRecord> RecordAsync(Guid caseId)
    {
        await using CatalogDbContext catalog = CatalogDatabase.OpenSqlite(DatabasePath);
        return await catalog.CaseRecords.AsNoTracking().SingleAsync(r => r.CaseId == caseId);
    }
}
