using Microsoft.EntityFrameworkCore;
using Orleans.Storage;
using Telemed.Grains.Cases;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.Grains.Tests;

public sealed class ConcurrencyTests : SiloTest
{
    [Fact]
    public async Task A_case_write_over_a_newer_stored_version_fails_and_the_case_reloads_the_stored_state()
    {
        await County.DefineAsync(Grains);
        await County.OnDutyAsync(Grains, "card-a");
        Guid caseId = await County.OpenAsync(Grains, CasePriority.Urgent);
        await County.AssignedAsync(Grains, caseId);
        ICaseGrain grain = Grains.GetGrain<ICaseGrain>(caseId);

        // Another node (say, a silo that wrongly believed it owned the case) writes the row behind this activation's back.
        string key = caseId.ToString("N");
        await using (CatalogDbContext catalog = CatalogDatabase.OpenSqlite(DatabasePath))
        {
            int touched = await catalog.GrainStates
                .Where(g => g.StateName == "case" && g.GrainId.Contains(key))
                .ExecuteUpdateAsync(set => set.SetProperty(g => g.Version, g => g.Version + 1));
            Assert.Equal(1, touched);
        }

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.AcceptAsync("card-a"));

        // Orleans drops the activation on the conflict; the next call reads the stored state and its ETag afresh.
        CaseView reloaded = await grain.GetAsync();
        Assert.Equal(CaseStatus.Assigned, reloaded.Status);
        await grain.AcceptAsync("card-a");
        Assert.Equal(CaseStatus.InProgress, (await grain.GetAsync()).Status);
    }
}
