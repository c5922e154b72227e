using Telemed.Grains.Cases;
using Xunit;

namespace Telemed.Grains.Tests;

public sealed class CaseLifecycleTests : SiloTest
{
    [Fact]
    public async Task Steps_the_status_does_not_allow_are_refused_with_the_case_and_status_named()
    {
        await County.DefineAsync(Grains);
        Guid caseId = await County.OpenAsync(Grains, CasePriority.Routine);
        ICaseGrain grain = Grains.GetGrain<ICaseGrain>(caseId);

        CaseTransitionException accept = await Assert.ThrowsAsync<CaseTransitionException>(() => grain.AcceptAsync("card-a"));
        Assert.Equal($"case {caseId}: cannot accept while New", accept.Message);
        await Assert.ThrowsAsync<CaseTransitionException>(() => grain.MarkSignedAsync("card-a", 1));
        await Assert.ThrowsAsync<CaseTransitionException>(() => grain.MarkAmendedAsync("card-a", 2, "typo"));

        await County.OnDutyAsync(Grains, "card-a");
        await County.AssignedAsync(Grains, caseId);
        CaseTransitionException wrongReader = await Assert.ThrowsAsync<CaseTransitionException>(() => grain.AcceptAsync("card-b"));
        Assert.Contains("assigned to card-a", wrongReader.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<CaseTransitionException>(() => grain.MarkPreliminaryAsync("card-a"));

        await grain.AcceptAsync("card-a");
        await grain.CancelAsync("staff-ta", "patient transferred");
        await Assert.ThrowsAsync<CaseTransitionException>(() => grain.CancelAsync("staff-ta", "again"));
        await Assert.ThrowsAsync<CaseTransitionException>(() => grain.MarkSignedAsync("card-a", 1));
        await Assert.ThrowsAsync<CaseTransitionException>(() => grain.OpenAsync(new CaseRequest(County.Id, CaseKind.EcgRead, CasePriority.Routine, "again", County.TownshipA, "staff-ta")));
        Assert.Equal(CaseStatus.Cancelled, (await grain.GetAsync()).Status);
    }

    [Fact]
    public async Task The_history_records_who_did_what_when()
    {
        await County.DefineAsync(Grains);
        await County.OnDutyAsync(Grains, "card-a");
        Guid caseId = await County.OpenAsync(Grains, CasePriority.Urgent);
        await County.AssignedAsync(Grains, caseId);
        Time.Advance(TimeSpan.FromMinutes(2));
        await Grains.GetGrain<ICaseGrain>(caseId).AcceptAsync("card-a");
        Time.Advance(TimeSpan.FromMinutes(1));
        await Grains.GetGrain<ICaseGrain>(caseId).CancelAsync("staff-ta", "duplicate request");

        CaseView view = await Grains.GetGrain<ICaseGrain>(caseId).GetAsync();
        DateTimeOffset start = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
        Assert.Equal(
            [("staff-ta", "opened", CaseStatus.New, start), ("routing", "assigned", CaseStatus.Assigned, start),
             ("card-a", "accepted", CaseStatus.InProgress, start.AddMinutes(2)), ("staff-ta", "cancelled", CaseStatus.Cancelled, start.AddMinutes(3))],
            view.History.Select(h => (h.Actor, h.Action, h.Status, h.At)));
        Assert.Equal(start.AddMinutes(30), view.SlaDueAt);
        Assert.Empty(await Grains.GetGrain<Readers.IReaderGrain>("card-a").GetWorklistAsync());
    }

    [Fact]
    public async Task A_case_needs_a_clinical_question_and_an_existing_case_to_read()
    {
        await County.DefineAsync(Grains);
        await Assert.ThrowsAsync<ArgumentException>(() => Grains.GetGrain<ICaseGrain>(Guid.NewGuid()).OpenAsync(
            new CaseRequest(County.Id, CaseKind.EcgRead, CasePriority.Routine, " ", County.TownshipA, "staff-ta")));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Grains.GetGrain<ICaseGrain>(Guid.NewGuid()).GetAsync());
    }
}
