using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Grains.Events;
using Telemed.Grains.Hosting;
using Telemed.Grains.Readers;

namespace Telemed.Grains.Routing;

internal sealed class CaseRoutingGrain(
    [PersistentState("routing", TelemedGrains.StorageName)] IPersistentState<CaseRoutingGrain.State> state,
    WorkflowClock time) : Grain, ICaseRoutingGrain
{
    private string communityId = string.Empty;
    private Specialty specialty;

    private ICommunityGrain Community => GrainFactory.GetGrain<ICommunityGrain>(communityId);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (communityId, specialty) = RoutingKey.Parse(this.GetPrimaryKeyString());
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task SubmitAsync(RoutingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (state.State.Open.TryGetValue(request.CaseId, out OpenCase? open))
        {
            // Only a waiting (New) case resubmits itself. If it is still New, this pool decided its reader but the
            // silo died before the case heard of it: finish that placement, to the same reader, never a second one.
            if ((await GrainFactory.GetGrain<ICaseGrain>(request.CaseId).GetAsync()).Status == CaseStatus.New
                && !await Deliver(open.Request, open.ReaderId, "routed"))
            {
                await state.WriteStateAsync();
            }

            return;
        }

        state.State.Queue.RemoveAll(q => q.CaseId == request.CaseId);
        state.State.Queue.Add(request);
        // One state write per submission, not two: a request placed at once is stored with its placement by the
        // dispatch; one that waits (or a dispatch that failed first) is stored here. Until then the case is New in its
        // own stored state, and its deadline reminder resubmits it if this activation is lost.
        bool stored = false;
        try
        {
            stored = await Dispatch();
        }
        finally
        {
            if (!stored)
            {
                await state.WriteStateAsync();
            }
        }
    }

    public Task DispatchAsync() => Dispatch();

    /// <summary>Places what it can; true if it stored the state (the queue with its placements).</summary>
    private async Task<bool> Dispatch()
    {
        if (state.State.Queue.Count == 0)
        {
            return false;
        }

        CommunitySettings settings = await Community.GetSettingsAsync();
        Dictionary<string, int> loads = await OnDutyLoads();
        if (loads.Count == 0)
        {
            return await OverflowOrWait(settings);
        }

        var placements = new List<(RoutingRequest Request, string ReaderId)>();
        foreach (RoutingRequest request in Ordered(state.State.Queue).ToList())
        {
            string? reader = Choose(request, loads, settings, exclude: null);
            if (reader is null)
            {
                continue;
            }

            Reserve(request, reader);
            loads[reader]++;
            placements.Add((request, reader));
        }

        if (placements.Count == 0)
        {
            return false;
        }

        // Decisions are stored before readers and cases hear of them: after a crash in between, a case left New
        // resubmits itself and SubmitAsync finishes its placement to the reader chosen here.
        await state.WriteStateAsync();
        bool cancelled = false;
        foreach ((RoutingRequest request, string reader) in placements)
        {
            cancelled |= !await Deliver(request, reader, "routed");
        }

        if (cancelled)
        {
            await state.WriteStateAsync();
        }

        return true;
    }

    public async Task ReassignAsync(Guid caseId, string fromReaderId, string reason, string? toReaderId = null)
    {
        if (!state.State.Open.TryGetValue(caseId, out OpenCase? open) || open.ReaderId != fromReaderId)
        {
            return; // Already moved or closed: the timeout that asked for this is stale.
        }

        CommunitySettings settings = await Community.GetSettingsAsync();
        Dictionary<string, int> loads = await OnDutyLoads();
        // A named reader is taken as asked even at their open-case limit: a person (admin or colleague) decided.
        string? reader = (toReaderId is not null && toReaderId != fromReaderId && loads.ContainsKey(toReaderId) ? toReaderId : null)
            ?? Choose(open.Request, loads, settings, exclude: fromReaderId)
            ?? (loads.ContainsKey(fromReaderId) ? fromReaderId : null);
        if (reader is not null)
        {
            await Move(open, reader, reason);
            return;
        }

        // Nobody on duty to take it: back to the queue, where it waits or overflows like a new case.
        state.State.Open.Remove(caseId);
        await GrainFactory.GetGrain<IReaderGrain>(fromReaderId).RemoveCaseAsync(caseId);
        await GrainFactory.GetGrain<ICaseGrain>(caseId).UnassignAsync(reason);
        state.State.Queue.Add(open.Request);
        await state.WriteStateAsync();
        await DispatchAsync();
    }

    public async Task EscalateAsync(Guid caseId, string? currentReaderId, bool accepted)
    {
        EscalationContacts contacts = await Community.GetEscalationContactsAsync(specialty, currentReaderId);
        string? backup = contacts.BackupReaderId;
        if (backup is null)
        {
            // No backup on the roster: the least loaded other reader on duty covers.
            Dictionary<string, int> loads = await OnDutyLoads();
            backup = loads.Where(l => l.Key != currentReaderId).OrderBy(l => l.Value).ThenBy(l => l.Key, StringComparer.Ordinal)
                .Select(l => l.Key).FirstOrDefault();
        }

        if (backup is not null && !accepted)
        {
            if (state.State.Open.TryGetValue(caseId, out OpenCase? open))
            {
                await Move(open, backup, "SLA breached: escalated to backup");
            }
            else if (state.State.Queue.Find(q => q.CaseId == caseId) is { } queued)
            {
                await Place(queued, backup, "SLA breached: escalated to backup");
            }
        }

        await GrainFactory.GetGrain<ICaseGrain>(caseId).RecordEscalationAsync(backup, contacts.DepartmentHeadId);
        string[] recipients = [.. new[] { backup, contacts.DepartmentHeadId, currentReaderId }.OfType<string>().Distinct()];
        CommunityFeed.Publish(GrainFactory, communityId,
            new AlertRaised(caseId, AlertKind.SlaBreached, recipients, $"case {caseId} passed its SLA unsigned"));
    }

    public async Task CaseClosedAsync(Guid caseId)
    {
        bool changed = state.State.Open.Remove(caseId) | state.State.Queue.RemoveAll(q => q.CaseId == caseId) > 0;
        if (changed)
        {
            await state.WriteStateAsync();
        }

        await DispatchAsync();
    }

    public Task<IReadOnlyList<RoutingRequest>> GetQueueAsync() =>
        Task.FromResult<IReadOnlyList<RoutingRequest>>([.. Ordered(state.State.Queue)]);

    private static IEnumerable<RoutingRequest> Ordered(IEnumerable<RoutingRequest> queue) =>
        queue.OrderBy(q => q.Priority).ThenBy(q => q.OpenedAt).ThenBy(q => q.CaseId);

    private string? Choose(RoutingRequest request, Dictionary<string, int> loads, CommunitySettings settings, string? exclude)
    {
        // Stat preempts: it may go beyond a reader's open-case limit rather than wait.
        List<string> candidates = [.. loads
            .Where(l => l.Key != exclude && (request.Priority == CasePriority.Stat || l.Value < settings.MaxOpenCasesPerReader))
            .Select(l => l.Key)];
        if (candidates.Count == 0)
        {
            return null;
        }

        // Continuity: the reader who read this patient before reads again while on duty.
        if (request.PatientId is { } patient && state.State.LastReaderByPatient.TryGetValue(patient, out string? previous)
            && candidates.Contains(previous))
        {
            return previous;
        }

        return candidates.OrderBy(r => loads[r]).ThenBy(r => r, StringComparer.Ordinal).First();
    }

    /// <summary>One placement: decided and stored (<see cref="Reserve"/>), then delivered; false if the case was cancelled meanwhile.</summary>
    private async Task<bool> Place(RoutingRequest request, string readerId, string reason)
    {
        Reserve(request, readerId);
        await state.WriteStateAsync();
        bool placed = await Deliver(request, readerId, reason);
        if (!placed)
        {
            await state.WriteStateAsync();
        }

        return placed;
    }

    /// <summary>Records the decision in this pool's state (stored by the caller before <see cref="Deliver"/>).</summary>
    private void Reserve(RoutingRequest request, string readerId)
    {
        state.State.Queue.Remove(request);
        state.State.Open[request.CaseId] = new OpenCase(request, readerId);
        if (request.PatientId is { } patient)
        {
            state.State.LastReaderByPatient[patient] = readerId;
        }
    }

    /// <summary>Tells the reader and the case; repeating it for the same reader is harmless. False (and the reservation
    /// dropped, unsaved) if the case was cancelled while it waited.</summary>
    private async Task<bool> Deliver(RoutingRequest request, string readerId, string reason)
    {
        IReaderGrain reader = GrainFactory.GetGrain<IReaderGrain>(readerId);
        await reader.AddCaseAsync(new WorklistEntry(request.CaseId, request.Kind, request.Priority, request.PatientId, request.SlaDueAt, time.Now));
        try
        {
            await GrainFactory.GetGrain<ICaseGrain>(request.CaseId).AssignAsync(readerId, communityId, reason);
        }
        catch (CaseTransitionException)
        {
            // Cancelled while it waited: nothing to place.
            await reader.RemoveCaseAsync(request.CaseId);
            state.State.Open.Remove(request.CaseId);
            return false;
        }

        if (request.Priority == CasePriority.Stat)
        {
            CommunityFeed.Publish(GrainFactory, communityId,
                new AlertRaised(request.CaseId, AlertKind.StatCase, [readerId], $"Stat {request.Kind} case {request.CaseId} assigned"));
        }

        return true;
    }

    private async Task Move(OpenCase open, string toReaderId, string reason)
    {
        Reserve(open.Request, toReaderId);
        await state.WriteStateAsync();
        if (toReaderId != open.ReaderId)
        {
            await GrainFactory.GetGrain<IReaderGrain>(open.ReaderId).RemoveCaseAsync(open.Request.CaseId);
        }

        if (!await Deliver(open.Request, toReaderId, reason))
        {
            await state.WriteStateAsync();
        }
    }

    /// <summary>True if it stored the state (the queue handed to the upper level).</summary>
    private async Task<bool> OverflowOrWait(CommunitySettings settings)
    {
        if (settings.UpperLevelCommunityId is not { } upper)
        {
            foreach (RoutingRequest request in state.State.Queue.Where(q => q.Priority == CasePriority.Stat))
            {
                CommunityFeed.Publish(GrainFactory, communityId,
                    new AlertRaised(request.CaseId, AlertKind.NoReaderOnDuty, [], $"Stat case {request.CaseId} waits: no {specialty} reader on duty"));
            }

            return false;
        }

        foreach (RoutingRequest request in Ordered(state.State.Queue).ToList())
        {
            await GrainFactory.GetGrain<ICaseGrain>(request.CaseId).RecordOverflowAsync(upper);
            _ = GrainFactory.GetGrain<ICaseRoutingGrain>(RoutingKey.For(upper, specialty)).SubmitAsync(request);
            state.State.Queue.Remove(request);
        }

        await state.WriteStateAsync();
        return true;
    }

    private async Task<Dictionary<string, int>> OnDutyLoads()
    {
        IReadOnlyList<string> readers = await Community.GetReadersAsync(specialty);
        ReaderStatus[] statuses = await Task.WhenAll(readers.Select(r => GrainFactory.GetGrain<IReaderGrain>(r).GetStatusAsync()));
        return statuses.Where(s => s.OnDuty).ToDictionary(s => s.ReaderId, s => s.OpenCases, StringComparer.Ordinal);
    }

    internal sealed record OpenCase(RoutingRequest Request, string ReaderId);

    internal sealed class State
    {
        public List<RoutingRequest> Queue { get; set; } = [];

        public Dictionary<Guid, OpenCase> Open { get; set; } = [];

        public Dictionary<string, string> LastReaderByPatient { get; set; } = [];
    }
}
