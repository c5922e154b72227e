using System.Text.Json.Nodes;
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
            }

            await using (CatalogDbContext catalog = CatalogDatabase.OpenSqlite(folder.DatabasePath))
            {
                Assert.Single(await catalog.Reminders.Where(r => r.ServiceId == GrainCluster.ServiceId && r.ReminderName == "deadlines").ToListAsync());
                Assert.Contains(await catalog.GrainStates.Select(g => g.StateName).Distinct().ToListAsync(), n => n == "case");
            }

            // The SLA passes while the hub is down; the reminder read back from the table notices after the restart.
            time.Advance(TimeSpan.FromMinutes(12));
            await using GrainCluster second = await GrainCluster.StartAsync(folder.DatabasePath, time);
            ICaseGrain grain = second.Grains.GetGrain<ICaseGrain>(caseId);
            CaseView restored = await grain.GetAsync();
            Assert.Equal(CaseStatus.InProgress, restored.Status);
            Assert.Equal("card-a", restored.AssignedReaderId);
            // The reminder read back at start may already have recorded the breach before this first read (under load).
            Assert.Equal(["opened", "assigned", "accepted"], restored.History.Select(h => h.Action).Take(3));
            Assert.All(restored.History.Skip(3), h => Assert.Equal("SLA breached", h.Action));
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
    /// What a pool's silo dying mid-dispatch leaves behind: the decision stored (case to card-b), neither the reader nor
    /// the case told. After the restart the case, still New, resubmits itself, and the pool finishes that placement —
    /// to card-b, although re-deciding would now pick card-a (equal load, first by name) — exactly once.
    /// </summary>
    [Fact]
    public async Task A_stored_placement_the_case_never_heard_of_is_finished_to_the_same_reader_exactly_once()
    {
        var folder = new TestFolder();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        try
        {
            Guid caseId;
            await using (GrainCluster first = await GrainCluster.StartAsync(folder.DatabasePath, time))
            {
                await County.DefineAsync(first.Grains);
                caseId = await County.OpenAsync(first.Grains, CasePriority.Routine, patientId: "patient-9");
                await Eventually.Until(() => first.Grains.GetGrain<ICaseRoutingGrain>(RoutingKey.For(County.Id, Specialty.Cardiology)).GetQueueAsync(),
                    q => q.Any(r => r.CaseId == caseId), "the case queued with nobody on duty");
            }

            await using (CatalogDbContext catalog = CatalogDatabase.OpenSqlite(folder.DatabasePath))
            {
                GrainStateRecord routing = await catalog.GrainStates.SingleAsync(g => g.StateName == "routing");
                JsonObject state = JsonNode.Parse(routing.Json)!.AsObject();
                JsonArray queue = state["Queue"]!.AsArray();
                JsonNode request = queue.Single(r => (Guid)r!["CaseId"]! == caseId)!;
                queue.Remove(request);
                state["Open"]!.AsObject()[caseId.ToString()] = new JsonObject { ["Request"] = request, ["ReaderId"] = "card-b" };
                routing.Json = state.ToJsonString();
                await catalog.SaveChangesAsync();
            }

            await using GrainCluster second = await GrainCluster.StartAsync(folder.DatabasePath, time);
            await County.OnDutyAsync(second.Grains, "card-a", "card-b");
            CaseView view = await County.AssignedAsync(second.Grains, caseId);

            Assert.Equal("card-b", view.AssignedReaderId);
            Assert.Single(view.History, h => h.Action == "assigned");
            Assert.Equal([caseId], (await second.Grains.GetGrain<IReaderGrain>("card-b").GetWorklistAsync()).Select(e => e.CaseId));
            Assert.Empty(await second.Grains.GetGrain<IReaderGrain>("card-a").GetWorklistAsync());
        }
        finally
        {
            folder.Delete();
        }
    }
}
