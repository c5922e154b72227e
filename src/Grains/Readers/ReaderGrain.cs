using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Grains.Hosting;
using Telemed.Grains.Routing;

namespace Telemed.Grains.Readers;

/// <summary>
/// A reader's enrolment, duty and presence. The worklist is not kept here: it is the cases the case index shows
/// assigned to this reader and open, so an assignment is one write (the case's) rather than a rewrite of a list that
/// grows with every open case (bench/RESULTS.md, case load).
/// </summary>
internal sealed class ReaderGrain(
    [PersistentState("reader", TelemedGrains.StorageName)] IPersistentState<ReaderGrain.State> state,
    ICaseIndex index) : Grain, IReaderGrain
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
        RequireEnrolled();
        state.State.OnDuty = true;
        await state.WriteStateAsync();
        TellPools();
    }

    public async Task EndDutyAsync()
    {
        RequireEnrolled();
        state.State.OnDuty = false;
        await state.WriteStateAsync();
        TellPools();
    }

    public async Task SetPresenceAsync(Presence presence)
    {
        state.State.Presence = presence;
        await state.WriteStateAsync();
    }

    public async Task<ReaderStatus> GetStatusAsync()
    {
        IReadOnlyList<CaseIndexEntry> open = await index.OpenCasesOfReaderAsync(ReaderId);
        return new ReaderStatus(ReaderId, state.State.CommunityId, state.State.Name, state.State.Specialties, state.State.OnDuty,
            state.State.Presence, open.Count);
    }

    public async Task<IReadOnlyList<WorklistEntry>> GetWorklistAsync()
    {
        IReadOnlyList<CaseIndexEntry> open = await index.OpenCasesOfReaderAsync(ReaderId);
        return [.. open
            .Select(c => new WorklistEntry(c.CaseId, c.Kind, c.Priority, c.PatientId, c.SlaDueAt, c.AssignedAt ?? c.UpdatedAt))
            .OrderBy(e => e.Priority).ThenBy(e => e.SlaDueAt).ThenBy(e => e.CaseId)];
    }

    /// <summary>
    /// One-way: routing calls back into readers, and a reader must never wait on routing (no call cycles). A pool that
    /// is not active learns the duty from this grain's state when it activates.
    /// </summary>
    private void TellPools()
    {
        string communityId = RequireEnrolled();
        foreach (Specialty specialty in state.State.Specialties)
        {
            _ = GrainFactory.GetGrain<ICaseRoutingGrain>(RoutingKey.For(communityId, specialty)).ReaderDutyChangedAsync(ReaderId, state.State.OnDuty);
        }
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
    }
}
