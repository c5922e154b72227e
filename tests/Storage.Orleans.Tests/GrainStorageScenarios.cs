using Xunit;
using Orleans.Runtime;
using Orleans.Storage;
using Telemed.Storage.Catalog;
using Telemed.Storage.Orleans.GrainState;
using Telemed.Storage.Orleans.Hosting;

namespace Telemed.Storage.Orleans.Tests;

/// <summary>Grain storage behaviour, run against each catalog provider.</summary>
internal static class GrainStorageScenarios
{
    private static readonly GrainId Grain = GrainId.Create("counter", "c-1");

    public static async Task Missing_state_reads_as_a_new_object_without_etag(Func<CatalogDbContext> open)
    {
                var storage = new CatalogGrainStorage(open, CatalogSiloBuilderExtensions.StateJson);
        var state = new TestGrainState<CounterState> { State = new CounterState { Count = 99 } };

        await storage.ReadStateAsync("counter", Grain, state);

        Assert.Equal(0, state.State.Count);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
    }

    public static async Task Written_state_reads_back_from_a_new_storage_on_the_same_database(Func<CatalogDbContext> open)
    {
                var writer = new CatalogGrainStorage(open, CatalogSiloBuilderExtensions.StateJson);
        var state = new TestGrainState<CounterState> { State = new CounterState { Count = 3, Notes = ["a", "b"] } };
        await writer.WriteStateAsync("counter", Grain, state);
        state.State.Count = 4;
        await writer.WriteStateAsync("counter", Grain, state);

        var reader = new CatalogGrainStorage(open, CatalogSiloBuilderExtensions.StateJson);
        var read = new TestGrainState<CounterState> { State = new CounterState() };
        await reader.ReadStateAsync("counter", Grain, read);

        Assert.Equal(4, read.State.Count);
        Assert.Equal(["a", "b"], read.State.Notes);
        Assert.Equal("2", read.ETag);
        Assert.True(read.RecordExists);
        await using CatalogDbContext catalog = open();
        Assert.Single(catalog.GrainStates);
    }

    public static async Task A_write_with_a_stale_etag_throws_and_keeps_the_other_writers_state(Func<CatalogDbContext> open)
    {
                var storage = new CatalogGrainStorage(open, CatalogSiloBuilderExtensions.StateJson);
        var first = new TestGrainState<CounterState> { State = new CounterState { Count = 1 } };
        await storage.WriteStateAsync("counter", Grain, first);
        var second = new TestGrainState<CounterState> { State = new CounterState() };
        await storage.ReadStateAsync("counter", Grain, second);

        first.State.Count = 10;
        await storage.WriteStateAsync("counter", Grain, first);
        second.State.Count = 20;
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", Grain, second));

        Assert.Equal("1", conflict.CurrentEtag);
        Assert.Equal("2", conflict.StoredEtag);
        var read = new TestGrainState<CounterState> { State = new CounterState() };
        await storage.ReadStateAsync("counter", Grain, read);
        Assert.Equal(10, read.State.Count);
    }

    /// <summary>
    /// Many writers at once (on SQLite they share group commits): of eight writes with the same ETag exactly one wins and
    /// the rest fail alone, while every other grain's write, committed alongside, is stored.
    /// </summary>
    public static async Task Concurrent_writes_fail_only_the_stale_ones_and_store_the_rest(Func<CatalogDbContext> open)
    {
        var storage = new CatalogGrainStorage(open, CatalogSiloBuilderExtensions.StateJson);
        var seed = new TestGrainState<CounterState> { State = new CounterState { Count = 0 } };
        await storage.WriteStateAsync("counter", Grain, seed);

        var contenders = Enumerable.Range(1, 8).Select(i => new TestGrainState<CounterState> { State = new CounterState { Count = i }, ETag = seed.ETag, RecordExists = true }).ToList();
        var others = Enumerable.Range(0, 40).Select(i => (Id: GrainId.Create("counter", $"other-{i}"), State: new TestGrainState<CounterState> { State = new CounterState { Count = i } })).ToList();
        Task[] contending = [.. contenders.Select(c => Task.Run(() => storage.WriteStateAsync("counter", Grain, c)))];
        Task[] independent = [.. others.Select(o => Task.Run(() => storage.WriteStateAsync("counter", o.Id, o.State)))];
        await Task.WhenAll(independent);
        foreach (Task contender in contending)
        {
            try
            {
                await contender;
            }
            catch (InconsistentStateException)
            {
                // Expected for all but one; checked below.
            }
        }

        Assert.Equal(1, contending.Count(t => t.IsCompletedSuccessfully));
        Assert.All(contending.Where(t => !t.IsCompletedSuccessfully), t => Assert.IsType<InconsistentStateException>(t.Exception!.InnerException));
        var read = new TestGrainState<CounterState> { State = new CounterState() };
        await storage.ReadStateAsync("counter", Grain, read);
        Assert.Equal(contenders[Array.FindIndex(contending, t => t.IsCompletedSuccessfully)].State.Count, read.State.Count);
        Assert.Equal("2", read.ETag);
        foreach ((GrainId id, TestGrainState<CounterState> state) in others)
        {
            var back = new TestGrainState<CounterState> { State = new CounterState() };
            await storage.ReadStateAsync("counter", id, back);
            Assert.Equal((state.State.Count, "1"), (back.State.Count, back.ETag));
        }
    }

    public static async Task Two_first_writes_of_the_same_grain_conflict(Func<CatalogDbContext> open)
    {
                var storage = new CatalogGrainStorage(open, CatalogSiloBuilderExtensions.StateJson);
        await storage.WriteStateAsync("counter", Grain, new TestGrainState<CounterState> { State = new CounterState { Count = 1 } });

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync("counter", Grain, new TestGrainState<CounterState> { State = new CounterState { Count = 2 } }));
    }

    public static async Task Clear_removes_the_row_and_resets_the_state_but_not_with_a_stale_etag(Func<CatalogDbContext> open)
    {
                var storage = new CatalogGrainStorage(open, CatalogSiloBuilderExtensions.StateJson);
        var state = new TestGrainState<CounterState> { State = new CounterState { Count = 5 } };
        await storage.WriteStateAsync("counter", Grain, state);
        var stale = new TestGrainState<CounterState> { State = new CounterState(), ETag = state.ETag };
        await storage.WriteStateAsync("counter", Grain, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("counter", Grain, stale));
        await storage.ClearStateAsync("counter", Grain, state);

        Assert.Equal(0, state.State.Count);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        await using CatalogDbContext catalog = open();
        Assert.Empty(catalog.GrainStates);
        // After a clear the grain starts over: a first write succeeds again.
        await storage.WriteStateAsync("counter", Grain, state);
        Assert.Equal("1", state.ETag);
    }

    public static async Task States_of_different_names_and_grains_are_separate_rows(Func<CatalogDbContext> open)
    {
                var storage = new CatalogGrainStorage(open, CatalogSiloBuilderExtensions.StateJson);
        GrainId other = GrainId.Create("counter", "c-2");
        await storage.WriteStateAsync("counter", Grain, new TestGrainState<CounterState> { State = new CounterState { Count = 1 } });
        await storage.WriteStateAsync("audit", Grain, new TestGrainState<CounterState> { State = new CounterState { Count = 2 } });
        await storage.WriteStateAsync("counter", other, new TestGrainState<CounterState> { State = new CounterState { Count = 3 } });

        var read = new TestGrainState<CounterState> { State = new CounterState() };
        await storage.ReadStateAsync("audit", Grain, read);
        Assert.Equal(2, read.State.Count);
        await storage.ReadStateAsync("counter", other, read);
        Assert.Equal(3, read.State.Count);
    }
}
