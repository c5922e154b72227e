using Telemed.Grains.Communities;
using Telemed.Grains.Events;
using Telemed.Grains.Hosting;
using Telemed.Grains.Routing;

namespace Telemed.Grains.Readers;

internal sealed class ReaderGrain(
    [PersistentState("reader", TelemedGrains.StorageName)] IPersistentState<ReaderGrain.State> state) : Grain, IReaderGrain
{
    private string ReaderId => this.GetPrimaryKeyString();

    public async Task EnrolAsync(string communityId, ReaderEnrolment enrolment)
    {
        ArgumentNullException.ThrowIfNull(enrolment);
        if (state.State.CommunityId is { } existing && existing != communityId)
        {
            throw new InvalidOperationException($"reader {ReaderId} is enrolled in community {existing}, not {communityId}");
        }

        state.State.CommunityId = communityId;
        state.State.Name = enrolment.Name;
        state.State.Specialties = [.. enrolment.Specialties];
        await state.WriteStateAsync();
    }

    public async Task StartDutyAsync()
    {
        string communityId = RequireEnrolled();
        state.State.OnDuty = true;
        await state.WriteStateAsync();
        foreach (Specialty specialty in state.State.Specialties)
        {
            // One-way: routing calls back into readers, and a reader must never wait on routing (no call cycles).
            _ = GrainFactory.GetGrain<ICaseRoutingGrain>(RoutingKey.For(communityId, specialty)).DispatchAsync();
        }
    }

    public async Task EndDutyAsync()
    {
        RequireEnrolled();
        state.State.OnDuty = false;
        await state.WriteStateAsync();
    }

    public async Task SetPresenceAsync(Presence presence)
    {
        state.State.Presence = presence;
        await state.WriteStateAsync();
    }

    public Task<ReaderStatus> GetStatusAsync() => Task.FromResult(new ReaderStatus(
        ReaderId, state.State.CommunityId, state.State.Name, state.State.Specialties, state.State.OnDuty, state.State.Presence, state.State.Worklist.Count));

    public Task<IReadOnlyList<WorklistEntry>> GetWorklistAsync() =>
        Task.FromResult<IReadOnlyList<WorklistEntry>>([.. state.State.Worklist.OrderBy(e => e.Priority).ThenBy(e => e.SlaDueAt)]);

    public async Task AddCaseAsync(WorklistEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string communityId = RequireEnrolled();
        state.State.Worklist.RemoveAll(e => e.CaseId == entry.CaseId);
        state.State.Worklist.Add(entry);
        await state.WriteStateAsync();
        CommunityFeed.Publish(GrainFactory, communityId, new WorklistChanged(ReaderId, state.State.Worklist.Count));
    }

    public async Task RemoveCaseAsync(Guid caseId)
    {
        if (state.State.Worklist.RemoveAll(e => e.CaseId == caseId) == 0)
        {
            return;
        }

        await state.WriteStateAsync();
        CommunityFeed.Publish(GrainFactory, RequireEnrolled(), new WorklistChanged(ReaderId, state.State.Worklist.Count));
    }

    private string RequireEnrolled() =>
        state.State.CommunityId ?? throw new InvalidOperationException($"reader {ReaderId} is not enrolled in any community");

    internal sealed class State
    {
        public string? CommunityId { get; set; }

        public string Name { get; set; } = string.Empty;

        public List<Specialty> Specialties { get; set; } = [];

        public bool OnDuty { get; set; }

        public Presence Presence { get; set; }

        public List<WorklistEntry> Worklist { get; set; } = [];
    }
}
