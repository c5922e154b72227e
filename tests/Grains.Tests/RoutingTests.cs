using Microsoft.Extensions.Time.Testing;
using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Grains.Events;
using Telemed.Grains.Readers;
using Telemed.Grains.Routing;
using Xunit;

namespace Telemed.Grains.Tests;

public sealed class RoutingTests : IAsyncLifetime
{
    private readonly TestFolder folder = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
    private GrainCluster cluster = null!;

    private IGrainFactory Grains => cluster.Grains;

    public async Task InitializeAsync() => cluster = await GrainCluster.StartAsync(folder.DatabasePath, time);

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        folder.Delete();
    }

    [Fact]
    public async Task A_reassignment_to_a_named_reader_goes_to_them_when_on_duty_and_otherwise_routing_chooses()
    {
        await County.DefineAsync(Grains);
        await County.OnDutyAsync(Grains, County.Cardiologists);
        Guid caseId = await County.OpenAsync(Grains, CasePriority.Routine);
        string first = (await County.AssignedAsync(Grains, caseId)).AssignedReaderId!;
        ICaseRoutingGrain pool = Grains.GetGrain<ICaseRoutingGrain>(RoutingKey.For(County.Id, Specialty.Cardiology));

        // The department head is enrolled but not on duty: not taken, routing picks an on-duty colleague instead.
        await pool.ReassignAsync(caseId, first, "head asked for", County.CardiologyHead);
        CaseView moved = await Eventually.Until(() => Grains.GetGrain<ICaseGrain>(caseId).GetAsync(), c => c.AssignedReaderId != first, "the case to move");
        Assert.Contains(moved.AssignedReaderId, County.Cardiologists);

        // Named and on duty: exactly them, whoever routing would have chosen.
        foreach (string named in County.Cardiologists.Where(r => r != moved.AssignedReaderId).Reverse())
        {
            string from = (await Grains.GetGrain<ICaseGrain>(caseId).GetAsync()).AssignedReaderId!;
            await pool.ReassignAsync(caseId, from, "covering", named);
            CaseView now = await Eventually.Until(() => Grains.GetGrain<ICaseGrain>(caseId).GetAsync(), c => c.AssignedReaderId == named, $"the case to go to {named}");
            Assert.Contains(caseId, (await Grains.GetGrain<IReaderGrain>(named).GetWorklistAsync()).Select(e => e.CaseId));
            Assert.DoesNotContain(caseId, (await Grains.GetGrain<IReaderGrain>(from).GetWorklistAsync()).Select(e => e.CaseId));
            Assert.Equal(CaseStatus.Assigned, now.Status);
        }
    }

    [Fact]
    public async Task Waiting_cases_go_out_stat_then_urgent_then_routine()
    {
        await County.DefineAsync(Grains, CommunitySettings.Default with { MaxOpenCasesPerReader = 1 });
        Guid routine = await County.OpenAsync(Grains, CasePriority.Routine);
        time.Advance(TimeSpan.FromSeconds(1));
        Guid urgent = await County.OpenAsync(Grains, CasePriority.Urgent);
        time.Advance(TimeSpan.FromSeconds(1));
        Guid stat = await County.OpenAsync(Grains, CasePriority.Stat);
        ICaseRoutingGrain pool = Grains.GetGrain<ICaseRoutingGrain>(RoutingKey.For(County.Id, Specialty.Cardiology));
        IReadOnlyList<RoutingRequest> queue = await Eventually.Until(pool.GetQueueAsync, q => q.Count == 3, "three queued cases");
        Assert.Equal([stat, urgent, routine], queue.Select(q => q.CaseId));

        // One reader with room for one case: the Stat case goes first, the others wait.
        await County.OnDutyAsync(Grains, "card-a");
        Assert.Equal("card-a", (await County.AssignedAsync(Grains, stat)).AssignedReaderId);
        Assert.Equal([urgent, routine], (await pool.GetQueueAsync()).Select(q => q.CaseId));

        // The reader's slot frees: Urgent before Routine.
        await Grains.GetGrain<ICaseGrain>(stat).CancelAsync("staff-ta", "sent to the county by ambulance");
        Assert.Equal("card-a", (await County.AssignedAsync(Grains, urgent)).AssignedReaderId);
        Assert.Equal(CaseStatus.New, (await Grains.GetGrain<ICaseGrain>(routine).GetAsync()).Status);
        Assert.Equal([routine], (await pool.GetQueueAsync()).Select(q => q.CaseId));
    }

    [Fact]
    public async Task Stat_goes_past_a_full_reader_rather_than_wait()
    {
        await County.DefineAsync(Grains, CommunitySettings.Default with { MaxOpenCasesPerReader = 1 });
        await County.OnDutyAsync(Grains, "card-a");
        Guid routine = await County.OpenAsync(Grains, CasePriority.Routine);
        await County.AssignedAsync(Grains, routine);
        Guid urgent = await County.OpenAsync(Grains, CasePriority.Urgent);
        Guid stat = await County.OpenAsync(Grains, CasePriority.Stat);

        Assert.Equal("card-a", (await County.AssignedAsync(Grains, stat)).AssignedReaderId);
        Assert.Equal(CaseStatus.New, (await Grains.GetGrain<ICaseGrain>(urgent).GetAsync()).Status);
        IReadOnlyList<WorklistEntry> worklist = await Grains.GetGrain<IReaderGrain>("card-a").GetWorklistAsync();
        Assert.Equal([stat, routine], worklist.Select(e => e.CaseId));
    }

    [Fact]
    public async Task Only_on_duty_readers_of_the_specialty_get_cases_and_the_least_loaded_first()
    {
        await County.DefineAsync(Grains);
        await County.OnDutyAsync(Grains, "card-a", County.Radiologist);
        Guid first = await County.OpenAsync(Grains, CasePriority.Routine);
        Guid second = await County.OpenAsync(Grains, CasePriority.Routine);
        Assert.Equal("card-a", (await County.AssignedAsync(Grains, first)).AssignedReaderId);
        Assert.Equal("card-a", (await County.AssignedAsync(Grains, second)).AssignedReaderId);

        await County.OnDutyAsync(Grains, "card-c");
        Guid third = await County.OpenAsync(Grains, CasePriority.Routine);
        Assert.Equal("card-c", (await County.AssignedAsync(Grains, third)).AssignedReaderId);
        await County.OnDutyAsync(Grains, "card-b");
        Guid fourth = await County.OpenAsync(Grains, CasePriority.Routine);
        Assert.Equal("card-b", (await County.AssignedAsync(Grains, fourth)).AssignedReaderId);
        // card-a 2, card-b 1, card-c 1: a tie goes to the first by id.
        Guid fifth = await County.OpenAsync(Grains, CasePriority.Routine);
        Assert.Equal("card-b", (await County.AssignedAsync(Grains, fifth)).AssignedReaderId);
        Assert.Equal(0, (await Grains.GetGrain<IReaderGrain>(County.Radiologist).GetStatusAsync()).OpenCases);
        Assert.Equal(0, (await Grains.GetGrain<IReaderGrain>(County.CardiologyHead).GetStatusAsync()).OpenCases);
    }

    [Fact]
    public async Task Concurrent_cases_are_each_assigned_exactly_once_and_balanced_within_one()
    {
        await County.DefineAsync(Grains, CommunitySettings.Default with { MaxOpenCasesPerReader = 100 });
        await County.OnDutyAsync(Grains, County.Cardiologists);
        Guid[] cases = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => County.OpenAsync(Grains, CasePriority.Routine)));

        CaseView[] views = await Task.WhenAll(cases.Select(c => County.AssignedAsync(Grains, c)));
        IReadOnlyList<WorklistEntry>[] worklists = await Task.WhenAll(County.Cardiologists.Select(r => Grains.GetGrain<IReaderGrain>(r).GetWorklistAsync()));

        List<Guid> listed = [.. worklists.SelectMany(w => w.Select(e => e.CaseId))];
        Assert.Equal(40, listed.Count);
        Assert.Equal(cases.Order(), listed.Order());
        for (int i = 0; i < County.Cardiologists.Length; i++)
        {
            Assert.All(worklists[i], e => Assert.Equal(County.Cardiologists[i], views.Single(v => v.CaseId == e.CaseId).AssignedReaderId));
        }

        Assert.InRange(worklists.Max(w => w.Count) - worklists.Min(w => w.Count), 0, 1);
        Assert.All(views, v => Assert.Single(v.History, h => h.Action == "assigned"));
    }

    [Fact]
    public async Task The_same_patient_goes_back_to_their_reader_while_on_duty()
    {
        await County.DefineAsync(Grains);
        await County.OnDutyAsync(Grains, "card-a", "card-b");
        Guid earlier = await County.OpenAsync(Grains, CasePriority.Routine, patientId: "patient-7");
        Assert.Equal("card-a", (await County.AssignedAsync(Grains, earlier)).AssignedReaderId);
        Guid other = await County.OpenAsync(Grains, CasePriority.Routine, patientId: "patient-8");
        Assert.Equal("card-b", (await County.AssignedAsync(Grains, other)).AssignedReaderId);
        Guid another = await County.OpenAsync(Grains, CasePriority.Routine);
        Assert.Equal("card-a", (await County.AssignedAsync(Grains, another)).AssignedReaderId);

        // card-a holds 2 and card-b 1, yet patient-7 returns to card-a.
        Guid again = await County.OpenAsync(Grains, CasePriority.Routine, patientId: "patient-7");
        Assert.Equal("card-a", (await County.AssignedAsync(Grains, again)).AssignedReaderId);

        // Off duty, continuity yields to availability.
        await Grains.GetGrain<IReaderGrain>("card-a").EndDutyAsync();
        Guid offDuty = await County.OpenAsync(Grains, CasePriority.Routine, patientId: "patient-7");
        Assert.Equal("card-b", (await County.AssignedAsync(Grains, offDuty)).AssignedReaderId);
    }

    [Fact]
    public async Task A_case_not_accepted_in_time_goes_to_another_reader()
    {
        await County.DefineAsync(Grains, CommunitySettings.Default with { AcceptTimeout = TimeSpan.FromMinutes(3) });
        await County.OnDutyAsync(Grains, "card-a");
        Guid caseId = await County.OpenAsync(Grains, CasePriority.Urgent);
        Assert.Equal("card-a", (await County.AssignedAsync(Grains, caseId)).AssignedReaderId);
        await County.OnDutyAsync(Grains, "card-b");

        time.Advance(TimeSpan.FromMinutes(2));
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // two deadline ticks before the timeout: nothing moves
        Assert.Equal("card-a", (await Grains.GetGrain<ICaseGrain>(caseId).GetAsync()).AssignedReaderId);

        time.Advance(TimeSpan.FromMinutes(1.5));
        CaseView moved = await Eventually.Until(() => Grains.GetGrain<ICaseGrain>(caseId).GetAsync(),
            c => c.AssignedReaderId == "card-b", "reassignment to card-b");

        Assert.Equal(CaseStatus.Assigned, moved.Status);
        Assert.Contains(moved.History, h => h.Action == "accept timed out" && h.Detail!.Contains("card-a", StringComparison.Ordinal));
        Assert.Empty(await Grains.GetGrain<IReaderGrain>("card-a").GetWorklistAsync());
        Assert.Equal([caseId], (await Grains.GetGrain<IReaderGrain>("card-b").GetWorklistAsync()).Select(e => e.CaseId));
        await Assert.ThrowsAsync<CaseTransitionException>(() => Grains.GetGrain<ICaseGrain>(caseId).AcceptAsync("card-a"));
        await Grains.GetGrain<ICaseGrain>(caseId).AcceptAsync("card-b");
    }

    [Fact]
    public async Task An_sla_breach_alerts_the_rostered_backup_and_the_department_head()
    {
        await County.DefineAsync(Grains);
        DateTimeOffset now = time.GetUtcNow();
        await Grains.GetGrain<ICommunityGrain>(County.Id).SetRosterAsync(
        [
            new DutyShift("card-a", Specialty.Cardiology, now.AddHours(-1), now.AddHours(8), DutyRole.Primary),
            new DutyShift("card-c", Specialty.Cardiology, now.AddHours(-1), now.AddHours(8), DutyRole.Backup),
        ]);
        var observer = new RecordingObserver();
        await Grains.GetGrain<ICommunityFeedGrain>(County.Id).SubscribeAsync(cluster.Client.CreateObjectReference<ICommunityObserver>(observer));
        await County.OnDutyAsync(Grains, "card-a", "card-b");
        Guid caseId = await County.OpenAsync(Grains, CasePriority.Stat);
        await County.AssignedAsync(Grains, caseId);
        await Grains.GetGrain<ICaseGrain>(caseId).AcceptAsync("card-a");

        time.Advance(TimeSpan.FromMinutes(9));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False((await Grains.GetGrain<ICaseGrain>(caseId).GetAsync()).SlaBreached);

        time.Advance(TimeSpan.FromMinutes(1.5));
        CaseView breached = await Eventually.Until(() => Grains.GetGrain<ICaseGrain>(caseId).GetAsync(),
            c => c.History.Any(h => h.Action == "escalated"), "escalation");
        AlertRaised alert = await Eventually.Until(() => Task.FromResult(observer.Alerts),
            a => a.Any(x => x.Kind == AlertKind.SlaBreached), "the SLA alert").ContinueWith(t => t.Result.Single(x => x.Kind == AlertKind.SlaBreached));

        Assert.True(breached.SlaBreached);
        Assert.Equal("card-a", breached.AssignedReaderId); // accepted work stays with its reader
        Assert.Contains(breached.History, h => h.Detail == "backup card-c, department head head-cardio");
        Assert.Equal(caseId, alert.CaseId);
        Assert.Contains("card-c", alert.Recipients);
        Assert.Contains(County.CardiologyHead, alert.Recipients);
        Assert.Contains(observer.Alerts, a => a.Kind == AlertKind.StatCase && a.Recipients.SequenceEqual(["card-a"]));
    }

    [Fact]
    public async Task A_breached_case_nobody_accepted_moves_to_the_backup()
    {
        await County.DefineAsync(Grains, CommunitySettings.Default with { AcceptTimeout = TimeSpan.FromHours(1) });
        DateTimeOffset now = time.GetUtcNow();
        await Grains.GetGrain<ICommunityGrain>(County.Id).SetRosterAsync(
            [new DutyShift("card-c", Specialty.Cardiology, now.AddHours(-1), now.AddHours(8), DutyRole.Backup)]);
        await County.OnDutyAsync(Grains, "card-a");
        Guid caseId = await County.OpenAsync(Grains, CasePriority.Urgent);
        await County.AssignedAsync(Grains, caseId);

        time.Advance(TimeSpan.FromMinutes(31));
        CaseView moved = await Eventually.Until(() => Grains.GetGrain<ICaseGrain>(caseId).GetAsync(),
            c => c.AssignedReaderId == "card-c", "the move to the backup");

        Assert.True(moved.SlaBreached);
        Assert.Equal([caseId], (await Grains.GetGrain<IReaderGrain>("card-c").GetWorklistAsync()).Select(e => e.CaseId));
        Assert.Empty(await Grains.GetGrain<IReaderGrain>("card-a").GetWorklistAsync());
    }

    [Fact]
    public async Task With_nobody_on_duty_a_case_overflows_to_the_upper_level_hospital()
    {
        await County.DefineAsync(Grains, withCity: true);
        await County.OnDutyAsync(Grains, County.CityCardiologist);
        Guid caseId = await County.OpenAsync(Grains, CasePriority.Stat);

        CaseView view = await County.AssignedAsync(Grains, caseId);

        Assert.Equal(County.CityCardiologist, view.AssignedReaderId);
        Assert.Equal(County.City, view.RoutedCommunityId);
        Assert.Equal(County.Id, view.CommunityId);
        Assert.Contains(view.History, h => h.Action == "overflowed");
    }

    [Fact]
    public async Task A_second_opinion_opens_a_linked_case_at_the_upper_level_hospital()
    {
        await County.DefineAsync(Grains, withCity: true);
        await County.OnDutyAsync(Grains, "card-a", County.CityCardiologist);
        Guid caseId = await County.OpenAsync(Grains, CasePriority.Urgent, patientId: "patient-3");
        await County.AssignedAsync(Grains, caseId);

        Guid second = await Grains.GetGrain<ICaseGrain>(caseId).RequestSecondOpinionAsync("card-a", "Wellens pattern? please review");
        CaseView view = await County.AssignedAsync(Grains, second);

        Assert.Equal(caseId, view.SecondOpinionOf);
        Assert.Equal(County.City, view.CommunityId);
        Assert.Equal(County.CityCardiologist, view.AssignedReaderId);
        Assert.Equal("patient-3", view.PatientId);
        Assert.Contains((await Grains.GetGrain<ICaseGrain>(caseId).GetAsync()).History, h => h.Action == "second opinion requested");
    }
}
