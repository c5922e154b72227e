using Telemed.Grains.Hosting;

namespace Telemed.Grains.Communities;

internal sealed class InstitutionGrain(
    [PersistentState("institution", TelemedGrains.StorageName)] IPersistentState<InstitutionGrain.State> state) : Grain, IInstitutionGrain
{
    public async Task RegisterAsync(InstitutionRecord record)
    {
        if (state.State.Record is { } existing && existing.CommunityId != record.CommunityId)
        {
            throw new InvalidOperationException($"institution {record.Institution.Id} already belongs to community {existing.CommunityId}");
        }

        state.State.Record = record;
        await state.WriteStateAsync();
    }

    public Task<InstitutionRecord?> GetAsync() => Task.FromResult(state.State.Record);

    internal sealed class State
    {
        public InstitutionRecord? Record { get; set; }
    }
}
