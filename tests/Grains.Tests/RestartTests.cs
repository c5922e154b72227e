using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Telemed.Grains.Cases;
using Telemed.Grains.Readers;
using Telemed.Grains.Routing;
using Telemed.Grains.Communities;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.Grains.Tests;

public sealed class RestartTests
{
    [Fact]
    public async Task A_case_and_its_pending_sla_timer_survive_a_silo_restart_on_the_same_file()
    {
        var folder = new TestFolder();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        Guid caseId;
        try
        {
            await using (GrainCluster first = await GrainCluster.StartAsync(folder.DatabasePath, time))
            {
                await County.DefineAsync(first.Grains);
                await County.OnDutyAsync(first.Grains, "card-a");
                caseId = await County.OpenAsync(first.Grains, CasePriority.Stat, patientId: "patient-1");
                await County.AssignedAsync(first.Grains, caseId);
                await first.Grains.GetGrain<ICaseGrain>(caseId).AcceptAsync("card-a");
                Guid other = await County.OpenAsync(first.Grains, CasePriority.Routine, patientId: "patient-2");
                await County.AssignedAsync(first.Grains, other);
                await first.Grains.GetGrain<ICaseGrain>(other).CancelAsync("staff-ta", "sent by mistake");
            }

            await using (CatalogDbContext catalog = CatalogDatabase.OpenSqlite(folder.DatabasePath))
            {
                // Deadlines are driven per routing pool: one reminder for the county's cardiology pool, none per case.
                ReminderRecord deadlines = Assert.Single(await catalog.Reminders.Where(r => r.ServiceId == GrainCluster.ServiceId).ToListAsync());
                Assert.Equal("deadlines", deadlines.ReminderName);
                Assert.Contains(RoutingKey.For(County.Id, Specialty.Cardiology), deadlines.GrainId, StringComparison.Ordinal);
                Assert.Contains(await catalog.GrainStates.Select(g => g.StateName).Distinct().ToListAsync(), n => n == "case");
            }

            // The SLA passes while the hub is down; the reminder read back from the table notices after the restart.
            time.Advance(TimeSpan.FromMinutes(12));
            await using GrainCluster second = await GrainCluster.StartAsync(folder.DatabasePath, time);
            ICaseGrain grain = second.Grains.GetGrain<ICaseGrain>(caseId);
            CaseView restored = await grain.GetAsync();
            Assert.Equal(CaseStatus.InProgress, restored.Status);
            Assert.Equal("card-a", restored.AssignedReaderId);
            // The reminder read back at start may already have recorded the breach, and routing the escalation that
            // follows it, before this first read (under load); nothing else may have happened to the case.
            Assert.Equal(["opened", "assigned", "accepted"], restored.History.Select(h => h.Action).Take(3));
            Assert.All(restored.History.Skip(3), h => Assert.Contains(h.Action, (string[])["SLA breached", "escalated"]));
            Assert.Equal([caseId], (await second.Grains.GetGrain<IReaderGrain>("card-a").GetWorklistAsync()).Select(e => e.CaseId));

            CaseView breached = await Eventually.Until(grain.GetAsync, c => c.SlaBreached, "the SLA breach after the restart", seconds: 30);
            Assert.Contains(breached.History, h => h.Action == "SLA breached");
        }
        finally
        {
            folder.Delete();
        }
    }

    /// <summary>
    /// A pool keeps its queue and loads in memory. After a restart it counts each reader's open cases again from the
    /// case index, so balancing goes on from the real loads (card-a holds two, so card-b gets the next two although
    /// card-a is first by name), and a case left waiting (New) is placed exactly once when a reader comes on duty.
    /// </summary>
    [Fact]
    public async Task After_a_restart_the_pool_balances_on_the_stored_loads_and_places_a_waiting_case_once()
    {
        var folder = new TestFolder();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        try
        {
            Guid waiting;
            Guid[] earlier;
            await using (GrainCluster first = await GrainCluster.StartAsync(folder.DatabasePath, time))
            {
                await County.DefineAsync(first.Grains);
                await County.OnDutyAsync(first.Grains, "card-a");
                earlier = [await County.OpenAsync(first.Grains, CasePriority.Routine), await County.OpenAsync(first.Grains, CasePriority.Routine)];
                foreach (Guid c in earlier)
                {
                    Assert.Equal("card-a", (await County.AssignedAsync(first.Grains, c)).AssignedReaderId);
                }

                await first.Grains.GetGrain<IReaderGrain>("card-a").EndDutyAsync();
                waiting = await County.OpenAsync(first.Grains, CasePriority.Routine, patientId: "patient-9");
                await Eventually.Until(() => first.Grains.GetGrain<ICaseRoutingGrain>(RoutingKey.For(County.Id, Specialty.Cardiology)).GetQueueAsync(),
                    q => q.Any(r => r.CaseId == waiting), "the case queued with nobody on duty");
            }

            await using GrainCluster second = await GrainCluster.StartAsync(folder.DatabasePath, time);
            await County.OnDutyAsync(second.Grains, "card-a", "card-b");
            // The waiting case comes back through its deadline reminder (it is New in its own state).
            CaseView placed = await County.AssignedAsync(second.Grains, waiting);
            Assert.Equal("card-b", placed.AssignedReaderId);
            Assert.Single(placed.History, h => h.Action == "assigned");
            Guid next = await County.OpenAsync(second.Grains, CasePriority.Routine);
            Assert.Equal("card-b", (await County.AssignedAsync(second.Grains, next)).AssignedReaderId);

            Assert.Equal(earlier.Order(), (await second.Grains.GetGrain<IReaderGrain>("card-a").GetWorklistAsync()).Select(e => e.CaseId).Order());
            Assert.Equal(new[] { waiting, next }.Order(), (await second.Grains.GetGrain<IReaderGrain>("card-b").GetWorklistAsync()).Select(e => e.CaseId).Order());
        }
        finally
        {
            folder.Delete();
        }
    }
}
