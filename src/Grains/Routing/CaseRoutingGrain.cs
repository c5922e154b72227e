using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Grains.Events;
using Telemed.Grains.Hosting;
using Telemed.Grains.Readers;

namespace Telemed.Grains.Routing;

/// <summary>
/// A routing pool with its working set in memory (see <see cref="ICaseRoutingGrain"/>). Nothing here is stored per
/// case: the case's own AssignAsync (state and index entry) is what makes a placement durable and puts the case on the
/// reader's worklist. A decision the case never heard of (lost with a silo) left the case New, and the pool's deadline
/// tick finds it New in the index and has it resubmit itself, so it is decided again; no reader ever saw the first
/// decision. The same tick (one reminder per pool instead of one per case) has each case whose accept or SLA deadline
/// is due check it.
/// </summary>
internal sealed class CaseRoutingGrain(
    ICaseIndex index,
    CommunitySettingsCache settingsCache,
    WorkflowClock time,
    IOptions<CaseTimerOptions> timers,
    ILogger<CaseRoutingGrain> logger) : Grain, ICaseRoutingGrain
{
    private const string DeadlineReminder = "deadlines";

    /// <summary>Patients whose reader is remembered in memory before the memory starts over (misses ask the index).</summary>
    private const int ContinuityMemory = 50_000;

    private static readonly IComparer<RoutingRequest> QueueOrder = Comparer<RoutingRequest>.Create((a, b) =>
    {
        int c = a.Priority.CompareTo(b.Priority);
        c = c != 0 ? c : a.OpenedAt.CompareTo(b.OpenedAt);
        return c != 0 ? c : a.CaseId.CompareTo(b.CaseId);
    });

    private readonly SortedSet<RoutingRequest> queue = new(QueueOrder);
    private readonly Dictionary<Guid, RoutingRequest> queued = [];
    private readonly Dictionary<Guid, OpenCase> open = [];
    private readonly Dictionary<string, int> loads = new(StringComparer.Ordinal);
    private readonly HashSet<string> onDuty = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> lastReader = new(StringComparer.Ordinal);
    private readonly HashSet<string> noReader = new(StringComparer.Ordinal);
    private string communityId = string.Empty;
    private Specialty specialty;
    private bool dispatching;
    private bool dispatchAgain;
    private Task? deadlinesStarted;

    private ICommunityGrain Community => GrainFactory.GetGrain<ICommunityGrain>(communityId);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (communityId, specialty) = RoutingKey.Parse(this.GetPrimaryKeyString());
        IReadOnlyList<string> readers = await Community.GetReadersAsync(specialty);
        ReaderStatus[] statuses = await Task.WhenAll(readers.Select(r => GrainFactory.GetGrain<IReaderGrain>(r).GetStatusAsync()));
        onDuty.UnionWith(statuses.Where(s => s.OnDuty).Select(s => s.ReaderId));
        foreach (CaseIndexEntry entry in await index.OpenCasesOfPoolAsync(communityId, specialty))
        {
            string reader = entry.AssignedReaderId!;
            open[entry.CaseId] = new OpenCase(new RoutingRequest(entry.CaseId, entry.Kind, entry.Priority, entry.PatientId, entry.OpenedAt, entry.SlaDueAt), reader);
            loads[reader] = Load(reader) + 1;
            if (entry.PatientId is { } patient)
            {
                lastReader[patient] = reader;
            }
        }

        await base.OnActivateAsync(cancellationToken);
    }

    public Task SubmitAsync(RoutingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (open.ContainsKey(request.CaseId))
        {
            // Only a case that is New in its own state resubmits itself. Placed here and delivered (or on its way): a
            // repeat. Placed according to the index but New (an unassignment whose index entry was lost): check.
            _ = RecheckAsync(request.CaseId);
            return Task.CompletedTask;
        }

        Enqueue(request);
        Kick();
        return Task.CompletedTask;
    }

    public Task DispatchAsync()
    {
        Kick();
        return Task.CompletedTask;
    }

    public Task ReaderDutyChangedAsync(string readerId, bool onDuty)
    {
        if (onDuty)
        {
            this.onDuty.Add(readerId);
            Kick();
        }
        else
        {
            this.onDuty.Remove(readerId);
        }

        return Task.CompletedTask;
    }

    public Task CaseClosedAsync(Guid caseId)
    {
        if (open.Remove(caseId, out OpenCase? closed))
        {
            loads[closed.ReaderId] = Load(closed.ReaderId) - 1;
            PublishWorklist(closed.ReaderId);
        }

        Dequeue(caseId);
        Kick();
        return Task.CompletedTask;
    }

    public async Task ReassignAsync(Guid caseId, string fromReaderId, string reason, string? toReaderId = null)
    {
        OpenCase? current = await Current(caseId);
        if (current is null || current.ReaderId != fromReaderId)
        {
            return; // Already moved or closed: the timeout that asked for this is stale.
        }

        CommunitySettings settings = await settingsCache.GetAsync(GrainFactory, communityId);
        if (!open.TryGetValue(caseId, out current) || current.ReaderId != fromReaderId)
        {
            return; // Moved while the settings were read.
        }

        // A named reader is taken as asked even at their open-case limit: a person (admin or colleague) decided.
        string? reader = (toReaderId is not null && toReaderId != fromReaderId && onDuty.Contains(toReaderId) ? toReaderId : null)
            ?? Choose(current.Request, settings, exclude: fromReaderId)
            ?? (onDuty.Contains(fromReaderId) ? fromReaderId : null);
        if (reader is not null)
        {
            await Move(current, reader, reason);
            return;
        }

        // Nobody on duty to take it: back to the queue, where it waits or overflows like a new case.
        Release(caseId);
        await GrainFactory.GetGrain<ICaseGrain>(caseId).UnassignAsync(reason);
        Enqueue(current.Request);
        Kick();
    }

    public async Task EscalateAsync(Guid caseId, string? currentReaderId, bool accepted)
    {
        EscalationContacts contacts = await Community.GetEscalationContactsAsync(specialty, currentReaderId);
        // No backup on the roster: the least loaded other reader on duty covers.
        string? backup = contacts.BackupReaderId ?? onDuty.Where(r => r != currentReaderId)
            .OrderBy(Load).ThenBy(r => r, StringComparer.Ordinal).FirstOrDefault();
        if (backup is not null && !accepted)
        {
            if (await Current(caseId) is { } current)
            {
                await Move(current, backup, "SLA breached: escalated to backup");
            }
            else if (queued.TryGetValue(caseId, out RoutingRequest? waiting))
            {
                Dequeue(caseId);
                Reserve(waiting, backup);
                await Deliver(waiting, backup, "SLA breached: escalated to backup");
            }
        }

        await GrainFactory.GetGrain<ICaseGrain>(caseId).RecordEscalationAsync(backup, contacts.DepartmentHeadId);
        string[] recipients = [.. new[] { backup, contacts.DepartmentHeadId, currentReaderId }.OfType<string>().Distinct()];
        CommunityFeed.Publish(GrainFactory, communityId,
            new AlertRaised(caseId, AlertKind.SlaBreached, recipients, $"case {caseId} passed its SLA unsigned"));
    }

    public Task StartDeadlinesAsync()
    {
        // Interleaved: several cases may ask at once; one registration serves them (retried after a failure).
        if (deadlinesStarted is null || deadlinesStarted.IsFaulted || deadlinesStarted.IsCanceled)
        {
            deadlinesStarted = this.RegisterOrUpdateReminder(DeadlineReminder, timers.Value.CheckPeriod, timers.Value.CheckPeriod);
        }

        return deadlinesStarted;
    }

    /// <summary>
    /// The pool's deadline tick: every New case it does not hold (its submit was lost, or the pool restarted) is told
    /// to resubmit itself, and every case with a due accept timeout, SLA warning or SLA breach is told to check its
    /// deadlines (the case decides and records, as it did with its own reminder). Both calls are one-way and repeat
    /// harmlessly, so an index entry that lags a change only costs a repeated call on the next tick.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        deadlinesStarted ??= Task.CompletedTask;
        DateTimeOffset now = time.Now;
        IReadOnlyList<CaseIndexEntry> cases = await index.DeadlineCasesOfPoolAsync(communityId, specialty, now);
        foreach (CaseIndexEntry entry in cases)
        {
            bool lost = entry.Status == CaseStatus.New && !queued.ContainsKey(entry.CaseId) && !open.ContainsKey(entry.CaseId);
            bool due = entry.AcceptDueAt <= now || (!entry.SlaBreached && (entry.SlaDueAt <= now
                || (!entry.SlaWarned && now >= entry.SlaDueAt - (entry.SlaDueAt - entry.OpenedAt) / 4)));
            if (lost || due)
            {
                _ = GrainFactory.GetGrain<ICaseGrain>(entry.CaseId).CheckDeadlinesAsync();
            }
        }

        Kick();
    }

    public Task<IReadOnlyList<RoutingRequest>> GetQueueAsync() => Task.FromResult<IReadOnlyList<RoutingRequest>>([.. queue]);

    /// <summary>Starts the dispatch loop unless it runs; if it does, it goes round once more.</summary>
    private void Kick()
    {
        if (dispatching)
        {
            dispatchAgain = true;
            return;
        }

        dispatching = true;
        _ = DispatchLoop();
    }

    /// <summary>
    /// Places everything it can, delivers the batch concurrently (each case to its own grain), and goes round again
    /// while submissions arrived meanwhile. Runs on this activation's scheduler between its other turns.
    /// </summary>
    private async Task DispatchLoop()
    {
        try
        {
            do
            {
                dispatchAgain = false;
                if (queue.Count == 0)
                {
                    break;
                }

                CommunitySettings settings = await settingsCache.GetAsync(GrainFactory, communityId);
                if (onDuty.Count == 0)
                {
                    await OverflowOrWait(settings);
                    continue;
                }

                await RecallReaders();
                var placements = new List<(RoutingRequest Request, string ReaderId)>();
                foreach (RoutingRequest request in queue.ToList())
                {
                    if (Choose(request, settings, exclude: null) is { } reader)
                    {
                        Dequeue(request.CaseId);
                        Reserve(request, reader);
                        placements.Add((request, reader));
                    }
                }

                bool[] delivered = await Task.WhenAll(placements.Select(p => Deliver(p.Request, p.ReaderId, "routed", publishWorklist: false)));
                // One worklist event per reader and batch, not per case: each is a message to the feed and its observers.
                foreach (string reader in placements.Where((_, i) => delivered[i]).Select(p => p.ReaderId).Distinct(StringComparer.Ordinal))
                {
                    PublishWorklist(reader);
                }
            }
            while (dispatchAgain);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // What waits stays queued; the next submission, closure or duty change (or a case's reminder) retries.
            logger.LogWarning(e, "routing pool {Pool}: dispatch failed", this.GetPrimaryKeyString());
        }
        finally
        {
            dispatching = false;
        }
    }

    /// <summary>Continuity for the queued patients this pool does not remember: one index query per batch.</summary>
    private async Task RecallReaders()
    {
        List<string> unknown = [.. queue.Select(q => q.PatientId).OfType<string>()
            .Where(p => !lastReader.ContainsKey(p) && !noReader.Contains(p)).Distinct(StringComparer.Ordinal)];
        if (unknown.Count == 0)
        {
            return;
        }

        if (lastReader.Count + noReader.Count > ContinuityMemory)
        {
            lastReader.Clear();
            noReader.Clear();
        }

        IReadOnlyDictionary<string, string> found = await index.LastReadersAsync(communityId, specialty, unknown);
        foreach (string patient in unknown)
        {
            if (found.TryGetValue(patient, out string? reader))
            {
                lastReader.TryAdd(patient, reader);
            }
            else if (!lastReader.ContainsKey(patient))
            {
                noReader.Add(patient);
            }
        }
    }

    private string? Choose(RoutingRequest request, CommunitySettings settings, string? exclude)
    {
        // Stat preempts: it may go beyond a reader's open-case limit rather than wait.
        bool Eligible(string r) => r != exclude && (request.Priority == CasePriority.Stat || Load(r) < settings.MaxOpenCasesPerReader);

        // Continuity: the reader who read this patient before reads again while on duty.
        if (request.PatientId is { } patient && lastReader.TryGetValue(patient, out string? previous)
            && onDuty.Contains(previous) && Eligible(previous))
        {
            return previous;
        }

        string? best = null;
        foreach (string reader in onDuty)
        {
            if (Eligible(reader) && (best is null || Load(reader) < Load(best)
                || (Load(reader) == Load(best) && string.CompareOrdinal(reader, best) < 0)))
            {
                best = reader;
            }
        }

        return best;
    }

    /// <summary>Counts the case against the reader in memory, before it is delivered.</summary>
    private void Reserve(RoutingRequest request, string readerId)
    {
        open[request.CaseId] = new OpenCase(request, readerId);
        loads[readerId] = Load(readerId) + 1;
        if (request.PatientId is { } patient)
        {
            lastReader[patient] = readerId;
            noReader.Remove(patient);
        }
    }

    private void Release(Guid caseId)
    {
        if (open.Remove(caseId, out OpenCase? released))
        {
            loads[released.ReaderId] = Load(released.ReaderId) - 1;
        }
    }

    /// <summary>
    /// Assigns the case (its state and index entry: from then on it is on the reader's worklist). If the case was
    /// cancelled meanwhile, or the call failed, the reservation is dropped: a case still New resubmits itself.
    /// </summary>
    private async Task<bool> Deliver(RoutingRequest request, string readerId, string reason, bool publishWorklist = true)
    {
        try
        {
            await GrainFactory.GetGrain<ICaseGrain>(request.CaseId).AssignAsync(readerId, communityId, reason);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (e is not CaseTransitionException)
            {
                logger.LogWarning(e, "case {CaseId}: assignment to {ReaderId} failed; the case resubmits itself", request.CaseId, readerId);
            }

            if (open.TryGetValue(request.CaseId, out OpenCase? reserved) && reserved.ReaderId == readerId)
            {
                Release(request.CaseId);
            }

            return false;
        }

        if (publishWorklist)
        {
            PublishWorklist(readerId);
        }

        if (request.Priority == CasePriority.Stat)
        {
            CommunityFeed.Publish(GrainFactory, communityId,
                new AlertRaised(request.CaseId, AlertKind.StatCase, [readerId], $"Stat {request.Kind} case {request.CaseId} assigned"));
        }

        return true;
    }

    private async Task Move(OpenCase current, string toReaderId, string reason)
    {
        Release(current.Request.CaseId);
        Reserve(current.Request, toReaderId);
        if (await Deliver(current.Request, toReaderId, reason) && toReaderId != current.ReaderId)
        {
            PublishWorklist(current.ReaderId);
        }
    }

    /// <summary>
    /// The case's placement as this pool knows it; if the pool does not (rebuilt from an index entry that lagged), as
    /// the case itself says.
    /// </summary>
    private async Task<OpenCase?> Current(Guid caseId)
    {
        if (open.TryGetValue(caseId, out OpenCase? known))
        {
            return known;
        }

        CaseView view;
        try
        {
            view = await GrainFactory.GetGrain<ICaseGrain>(caseId).GetAsync();
        }
        catch (KeyNotFoundException)
        {
            return null;
        }

        if (view.Status is not (CaseStatus.Assigned or CaseStatus.InProgress or CaseStatus.Preliminary) || view.AssignedReaderId is null
            || view.RoutedCommunityId != communityId || queued.ContainsKey(caseId))
        {
            return null;
        }

        if (open.TryGetValue(caseId, out known))
        {
            return known;
        }

        var request = new RoutingRequest(caseId, view.Kind, view.Priority, view.PatientId, view.OpenedAt, view.SlaDueAt);
        Reserve(request, view.AssignedReaderId);
        return open[caseId];
    }

    /// <summary>A resubmitted case this pool counts as placed: if the case says it is New, it is queued again.</summary>
    private async Task RecheckAsync(Guid caseId)
    {
        if (!open.TryGetValue(caseId, out OpenCase? placed))
        {
            return;
        }

        CaseView view;
        try
        {
            view = await GrainFactory.GetGrain<ICaseGrain>(caseId).GetAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "case {CaseId}: could not recheck a resubmission", caseId);
            return;
        }

        if (view.Status == CaseStatus.New && open.TryGetValue(caseId, out OpenCase? still) && still == placed)
        {
            Release(caseId);
            Enqueue(placed.Request);
            Kick();
        }
    }

    private async Task OverflowOrWait(CommunitySettings settings)
    {
        if (settings.UpperLevelCommunityId is not { } upper)
        {
            foreach (RoutingRequest request in queue.Where(q => q.Priority == CasePriority.Stat))
            {
                CommunityFeed.Publish(GrainFactory, communityId,
                    new AlertRaised(request.CaseId, AlertKind.NoReaderOnDuty, [], $"Stat case {request.CaseId} waits: no {specialty} reader on duty"));
            }

            return;
        }

        foreach (RoutingRequest request in queue.ToList())
        {
            Dequeue(request.CaseId);
            await GrainFactory.GetGrain<ICaseGrain>(request.CaseId).RecordOverflowAsync(upper);
            _ = GrainFactory.GetGrain<ICaseRoutingGrain>(RoutingKey.For(upper, specialty)).SubmitAsync(request);
        }
    }

    private void Enqueue(RoutingRequest request)
    {
        Dequeue(request.CaseId);
        queued[request.CaseId] = request;
        queue.Add(request);
    }

    private void Dequeue(Guid caseId)
    {
        if (queued.Remove(caseId, out RoutingRequest? request))
        {
            queue.Remove(request);
        }
    }

    private int Load(string readerId) => loads.GetValueOrDefault(readerId);

    private void PublishWorklist(string readerId) =>
        CommunityFeed.Publish(GrainFactory, communityId, new WorklistChanged(readerId, Load(readerId)));

    private sealed record OpenCase(RoutingRequest Request, string ReaderId);
}
