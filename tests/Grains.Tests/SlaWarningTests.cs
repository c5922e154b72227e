using Microsoft.Extensions.Time.Testing;
using Telemed.Grains.Cases;
using Telemed.Grains.Events;
using Xunit;

namespace Telemed.Grains.Tests;

/// <summary>An unsigned case warns once, at three quarters of its SLA, before it breaches; the warning is not history.</summary>
public sealed class SlaWarningTests : IAsyncLifetime
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
    public async Task A_case_warns_once_at_three_quarters_of_its_sla_then_breaches()
    {
        await County.DefineAsync(Grains);
        var observer = new RecordingObserver();
        await Grains.GetGrain<ICommunityFeedGrain>(County.Id).SubscribeAsync(cluster.Client.CreateObjectReference<ICommunityObserver>(observer));
        await County.OnDutyAsync(Grains, "card-a");
        Guid caseId = await County.OpenAsync(Grains, CasePriority.Stat);
        CaseView assigned = await County.AssignedAsync(Grains, caseId);
        await Grains.GetGrain<ICaseGrain>(caseId).AcceptAsync("card-a");
        TimeSpan sla = assigned.SlaDueAt - assigned.OpenedAt;
        IEnumerable<CaseChanged> Of(string action) => observer.Events.OfType<CaseChanged>().Where(c => c.CaseId == caseId && c.Action == action);

        // Before three quarters: nothing.
        time.Advance(sla / 2);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Empty(Of(CaseGrain.SlaWarningAction));

        time.Advance(sla / 4 + TimeSpan.FromSeconds(30));
        CaseChanged warning = (await Eventually.Until(() => Task.FromResult(Of(CaseGrain.SlaWarningAction).ToList()), w => w.Count > 0, "the SLA warning"))[0];
        Assert.False(warning.SlaBreached);
        Assert.Equal(CaseStatus.InProgress, warning.Status);
        Assert.Equal(assigned.SlaDueAt, warning.SlaDueAt);
        Assert.Equal(County.TownshipA, warning.RequestingInstitutionId);

        time.Advance(sla / 4);
        await Eventually.Until(() => Task.FromResult(Of("SLA breached").ToList()), b => b.Count > 0, "the SLA breach");
        Assert.Single(Of(CaseGrain.SlaWarningAction));
        Assert.DoesNotContain((await Grains.GetGrain<ICaseGrain>(caseId).GetAsync()).History, h => h.Action == CaseGrain.SlaWarningAction);
    }
}
