using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemed.Grains.Communities;
using Telemed.Grains.Events;
using Telemed.Grains.Hosting;
using Telemed.Grains.Routing;

namespace Telemed.Grains.Cases;

internal sealed class CaseGrain(
    [PersistentState("case", TelemedGrains.StorageName)] IPersistentState<CaseGrain.State> state,
    WorkflowClock time,
    IOptions<CaseTimerOptions> timers,
    ICaseIndex index,
    CommunitySettingsCache settingsCache,
    RoutingDeadlines routingDeadlines,
    ILogger<CaseGrain> logger) : Grain, ICaseGrain
{
    /// <summary>The fallback reminder, registered only while this case's index entry lags (the pool cannot see it).</summary>
    private const string DeadlineReminder = "deadlines";

    /// <summary>The <see cref="CaseChanged.Action"/> of the warning at three quarters of the SLA.</summary>
    public const string SlaWarningAction = "SLA warning";

    /// <summary>False after a failed index write: the entry lags the state until the next write or activation.</summary>
    private bool indexed = true;

    private Guid CaseId => this.GetPrimaryKey();

    private State Case => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Catch-up: a crash between a state write and its index write left the entry behind. The index ignores an
        // entry that is not newer than the stored one, so this is harmless when nothing was lost.
        if (Case.Opened)
        {
            await WriteIndex(retireOnFailure: false);
        }

        await base.OnActivateAsync(cancellationToken);
    }

    public async Task<CaseView> OpenAsync(CaseRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Case.Opened)
        {
            throw new CaseTransitionException(CaseId, Case.Status, "open (the case exists)");
        }

        if (string.IsNullOrWhiteSpace(request.ClinicalQuestion))
        {
            throw new ArgumentException($"case {CaseId}: a clinical question is required", nameof(request));
        }

        CommunitySettings settings = await settingsCache.GetAsync(GrainFactory, request.CommunityId);
        DateTimeOffset now = time.Now;
        Case.Opened = true;
        Case.CommunityId = request.CommunityId;
        Case.RoutedCommunityId = request.CommunityId;
        Case.Kind = request.Kind;
        Case.Priority = request.Priority;
        Case.Specialty = request.Specialty ?? DefaultSpecialty(request.Kind);
        Case.Status = CaseStatus.New;
        Case.ClinicalQuestion = request.ClinicalQuestion;
        Case.PatientId = request.PatientId;
        Case.Studies = [.. request.StudyUids ?? []];
        Case.RequestingInstitutionId = request.RequestingInstitutionId;
        Case.RequestedBy = request.RequestedBy;
        Case.OpenedAt = now;
        Case.SlaDueAt = now + settings.SlaFor(request.Priority);
        Case.AcceptTimeout = settings.AcceptTimeout;
        Case.Ecg = request.Ecg;
        Case.SecondOpinionOf = request.SecondOpinionOf;
        Record(request.RequestedBy, "opened", $"{request.Priority} {request.Kind}: {request.ClinicalQuestion}");
        try
        {
            // The pool's deadline reminder before the state: its tick finds this case New in the index and has it
            // resubmit itself if the one-way Submit below is lost. Stored the other way round, a silo dying in between
            // left an opened case that a retried open refuses ("exists") and nothing would ever route. The state and
            // its index entry are one transaction on SQLite; where they are not and the entry fails, Save registers
            // this case's own reminder instead.
            await routingDeadlines.EnsureAsync(GrainFactory, Pool());
            await Save();
        }
        catch
        {
            // The next attempt must start from the stored state, not from this half-opened activation.
            this.DeactivateOnIdle();
            throw;
        }

        Submit();
        Publish();
        return View();
    }

    public Task<CaseView> GetAsync()
    {
        RequireOpened();
        return Task.FromResult(View());
    }

    public async Task AddStudyAsync(string studyUid, string actor)
    {
        RequireOpened();
        if (Case.Studies.Contains(studyUid))
        {
            return;
        }

        Case.Studies.Add(studyUid);
        Record(actor, "study added", studyUid);
        await Save();
    }

    public async Task RaisePriorityAsync(CasePriority priority, string actor, string reason)
    {
        RequireOpened();
        if (priority >= Case.Priority || IsClosed(Case.Status))
        {
            return;
        }

        CommunitySettings settings = await settingsCache.GetAsync(GrainFactory, Case.CommunityId);
        DateTimeOffset due = time.Now + settings.SlaFor(priority);
        Case.Priority = priority;
        Case.SlaDueAt = due < Case.SlaDueAt ? due : Case.SlaDueAt;
        Record(actor, $"priority raised to {priority}", reason);
        await Save();
        if (Case.Status == CaseStatus.New)
        {
            Submit();
        }

        Publish();
    }

    public async Task AssignAsync(string readerId, string routedCommunityId, string reason)
    {
        RequireOpened();
        Require(Case.Status is CaseStatus.New or CaseStatus.Assigned, "assign");
        Case.Status = CaseStatus.Assigned;
        Case.AssignedAt ??= time.Now;
        Case.AssignedReaderId = readerId;
        Case.RoutedCommunityId = routedCommunityId;
        Case.AcceptDueAt = time.Now + Case.AcceptTimeout;
        Record("routing", "assigned", $"to {readerId}: {reason}");
        await Save();
        Publish();
    }

    public async Task UnassignAsync(string reason)
    {
        RequireOpened();
        Require(Case.Status == CaseStatus.Assigned, "return to the queue");
        Case.Status = CaseStatus.New;
        Case.AssignedReaderId = null;
        Case.AcceptDueAt = null;
        Record("routing", "returned to queue", reason);
        await Save();
        Publish();
    }

    public async Task AcceptAsync(string readerId)
    {
        RequireOpened();
        Require(Case.Status == CaseStatus.Assigned, "accept");
        RequireAssignedReader(readerId, "accept");
        Case.Status = CaseStatus.InProgress;
        Case.AcceptedAt ??= time.Now;
        Case.AcceptDueAt = null;
        Record(readerId, "accepted");
        await Save();
        Publish();
    }

    public async Task MarkPreliminaryAsync(string readerId)
    {
        RequireOpened();
        Require(Case.Status is CaseStatus.InProgress or CaseStatus.Preliminary, "save a preliminary report");
        RequireAssignedReader(readerId, "save a preliminary report");
        Case.Status = CaseStatus.Preliminary;
        Record(readerId, "preliminary report saved");
        await Save();
        Publish();
    }

    public async Task MarkSignedAsync(string readerId, int reportVersion)
    {
        RequireOpened();
        Require(Case.Status is CaseStatus.InProgress or CaseStatus.Preliminary, "sign");
        RequireAssignedReader(readerId, "sign");
        Case.Status = CaseStatus.Signed;
        Case.SignedAt ??= time.Now;
        Record(readerId, "signed", $"report version {reportVersion}");
        await Close();
    }

    public async Task MarkAmendedAsync(string readerId, int reportVersion, string reason)
    {
        RequireOpened();
        Require(Case.Status is CaseStatus.Signed or CaseStatus.Amended, "amend");
        Case.Status = CaseStatus.Amended;
        Record(readerId, "amended", $"report version {reportVersion}: {reason}");
        await Save();
        Publish();
    }

    public async Task CancelAsync(string actor, string reason)
    {
        RequireOpened();
        Require(!IsClosed(Case.Status), "cancel");
        Case.Status = CaseStatus.Cancelled;
        Record(actor, "cancelled", reason);
        await Close();
    }

    public async Task RecordEscalationAsync(string? backupReaderId, string? departmentHeadId)
    {
        RequireOpened();
        Record("routing", "escalated", $"backup {backupReaderId ?? "none"}, department head {departmentHeadId ?? "none"}");
        await Save();
        Publish();
    }

    public async Task RecordOverflowAsync(string upperCommunityId)
    {
        RequireOpened();
        Case.RoutedCommunityId = upperCommunityId;
        // From now on the upper pool's tick watches this case's deadlines.
        await routingDeadlines.EnsureAsync(GrainFactory, Pool());
        Record("routing", "overflowed", $"no reader on duty in {Case.CommunityId}: sent to {upperCommunityId}");
        await Save();
    }

    public async Task<Guid> RequestSecondOpinionAsync(string actor, string question)
    {
        RequireOpened();
        CommunitySettings settings = await settingsCache.GetAsync(GrainFactory, Case.CommunityId);
        string upper = settings.UpperLevelCommunityId
            ?? throw new InvalidOperationException($"case {CaseId}: community {Case.CommunityId} has no upper-level hospital for a second opinion");
        var secondOpinion = Guid.NewGuid();
        await GrainFactory.GetGrain<ICaseGrain>(secondOpinion).OpenAsync(new CaseRequest(
            upper, Case.Kind, Case.Priority, question, Case.RequestingInstitutionId, actor, Case.PatientId, Case.Studies,
            Case.Specialty, Case.Ecg, CaseId));
        Record(actor, "second opinion requested", $"case {secondOpinion} in {upper}");
        await Save();
        return secondOpinion;
    }

    /// <summary>
    /// The fallback reminder (registered when an index write failed, or left from before deadlines moved to the
    /// routing pools): catch the index entry up, check once, and hand the deadlines back to the pool.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Case.Opened && !IsClosed(Case.Status))
        {
            // Stored again, not just re-indexed: an entry from before the deadline columns (same revision) would
            // otherwise keep no accept deadline for the pool to find.
            await routingDeadlines.EnsureAsync(GrainFactory, Pool());
            await Save();
            if (!indexed)
            {
                return; // The pool cannot see this case yet: keep waking it.
            }

            await CheckDeadlinesAsync();
        }
        else if (Case.Opened && !await WriteIndex())
        {
            return;
        }

        if (indexed)
        {
            await StopDeadlines();
        }
    }

    public async Task CheckDeadlinesAsync()
    {
        if (!Case.Opened || IsClosed(Case.Status))
        {
            return;
        }

        DateTimeOffset now = time.Now;
        ICaseRoutingGrain routing = Routing();
        bool changed = false;
        if (Case.Status == CaseStatus.New)
        {
            // Routing is told one-way; resubmitting covers a message lost with a silo. It is idempotent.
            Submit();
        }

        if (Case.Status == CaseStatus.Assigned && Case.AcceptDueAt <= now && Case.AssignedReaderId is { } unaccepting)
        {
            Case.AcceptDueAt = null;
            Record("timer", "accept timed out", $"{unaccepting} did not accept within {Case.AcceptTimeout}");
            changed = true;
            _ = routing.ReassignAsync(CaseId, unaccepting, $"{unaccepting} did not accept within {Case.AcceptTimeout}");
        }

        // Three quarters of the SLA gone, unsigned: one warning before the breach. Pushed to the feed only, not a
        // history entry (the history records what was done to the case).
        bool warn = false;
        if (!Case.SlaWarned && !Case.SlaBreached && now < Case.SlaDueAt && now >= Case.SlaDueAt - (Case.SlaDueAt - Case.OpenedAt) / 4)
        {
            Case.SlaWarned = true;
            warn = true;
        }

        if (!Case.SlaBreached && Case.SlaDueAt <= now)
        {
            Case.SlaBreached = true;
            Record("timer", "SLA breached", $"due {Case.SlaDueAt:O}");
            changed = true;
            _ = routing.EscalateAsync(CaseId, Case.AssignedReaderId, accepted: Case.Status is CaseStatus.InProgress or CaseStatus.Preliminary);
        }

        if (changed || warn)
        {
            await Save();
            if (warn)
            {
                Publish(SlaWarningAction);
            }

            if (changed)
            {
                Publish();
            }
        }
    }

    private async Task Close()
    {
        Case.AcceptDueAt = null;
        Case.ClosedAt ??= time.Now;
        // Stored with the index entry, the case has left its reader's worklist; routing frees the reader's place.
        await Save();
        _ = Routing().CaseClosedAsync(CaseId);
        Publish();
    }

    /// <summary>Stores the state with its index entry (one transaction on SQLite; elsewhere the state first: the index must never show a change the state lost).</summary>
    private async Task Save()
    {
        Case.Revision++;
        Case.UpdatedAt = time.Now;
        if (!await index.WriteWithStateAsync(Entry(), () => state.WriteStateAsync()))
        {
            logger.LogWarning("case {CaseId}: index entry (revision {Revision}) not written; it catches up later", CaseId, Case.Revision);
            indexed = false;
            await StartFallbackReminder();
            this.DeactivateOnIdle();
        }
        else
        {
            indexed = true;
        }
    }

    /// <summary>
    /// A failed index write does not fail the step (the state is stored): the entry catches up on the next write, on
    /// the next activation (this one is retired, except while activating) or on the deadline reminder's next tick.
    /// </summary>
    private async Task<bool> WriteIndex(bool retireOnFailure = true)
    {
        try
        {
            await index.WriteAsync(Entry());
            indexed = true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "case {CaseId}: index entry (revision {Revision}) not written; it catches up later", CaseId, Case.Revision);
            indexed = false;
            if (retireOnFailure)
            {
                this.DeactivateOnIdle();
            }
        }

        return indexed;
    }

    /// <summary>
    /// The routing pool finds its cases' deadlines in the index; a case whose entry lags wakes itself until the entry
    /// caught up (on the next write, activation or tick). Best effort: the entry is also re-written on activation.
    /// </summary>
    private async Task StartFallbackReminder()
    {
        try
        {
            await this.RegisterOrUpdateReminder(DeadlineReminder, timers.Value.CheckPeriod, timers.Value.CheckPeriod);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "case {CaseId}: fallback deadline reminder not registered", CaseId);
        }
    }

    private CaseIndexEntry Entry() => new(
        CaseId, Case.CommunityId, Case.RoutedCommunityId, Case.RequestingInstitutionId, Case.RequestedBy, Case.Kind,
        Case.Priority, Case.Specialty, Case.Status, Case.PatientId, Case.AssignedReaderId, Case.ClinicalQuestion,
        Case.OpenedAt, Case.AssignedAt, Case.AcceptedAt, Case.SignedAt, Case.ClosedAt, Case.SlaDueAt, Case.SlaBreached,
        Case.UpdatedAt, Case.Revision, Case.AcceptDueAt, Case.SlaWarned);

    private async Task StopDeadlines()
    {
        if (await this.GetReminder(DeadlineReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private void Submit() => _ = Routing().SubmitAsync(
        new RoutingRequest(CaseId, Case.Kind, Case.Priority, Case.PatientId, Case.OpenedAt, Case.SlaDueAt));

    private ICaseRoutingGrain Routing() => GrainFactory.GetGrain<ICaseRoutingGrain>(Pool());

    private string Pool() => RoutingKey.For(Case.RoutedCommunityId, Case.Specialty);

    /// <param name="action">What changed; by default the last history entry's action.</param>
    private void Publish(string? action = null)
    {
        var changed = new CaseChanged(CaseId, Case.Status, Case.Priority, Case.AssignedReaderId, Case.Kind, Case.CommunityId,
            Case.RequestingInstitutionId, action ?? (Case.History.Count > 0 ? Case.History[^1].Action : ""), time.Now, Case.SlaBreached, Case.SlaDueAt);
        CommunityFeed.Publish(GrainFactory, Case.CommunityId, changed);
        if (Case.RoutedCommunityId != Case.CommunityId)
        {
            CommunityFeed.Publish(GrainFactory, Case.RoutedCommunityId, changed);
        }
    }

    private void Record(string actor, string action, string? detail = null) =>
        Case.History.Add(new CaseHistoryEntry(time.Now, actor, action, Case.Status, detail));

    private void RequireOpened()
    {
        if (!Case.Opened)
        {
            throw new KeyNotFoundException($"case {CaseId} does not exist");
        }
    }

    private void Require(bool allowed, string action)
    {
        if (!allowed)
        {
            throw new CaseTransitionException(CaseId, Case.Status, action);
        }
    }

    private void RequireAssignedReader(string readerId, string action)
    {
        if (Case.AssignedReaderId != readerId)
        {
            throw new CaseTransitionException($"case {CaseId}: {readerId} cannot {action}: the case is assigned to {Case.AssignedReaderId ?? "nobody"}");
        }
    }

    private static bool IsClosed(CaseStatus status) => status is CaseStatus.Signed or CaseStatus.Amended or CaseStatus.Cancelled;

    private static Specialty DefaultSpecialty(CaseKind kind) => kind switch
    {
        CaseKind.EcgRead => Specialty.Cardiology,
        CaseKind.ImagingRead => Specialty.Radiology,
        _ => Specialty.GeneralMedicine,
    };

    private CaseView View() => new(
        CaseId, Case.CommunityId, Case.RoutedCommunityId, Case.Kind, Case.Priority, Case.Specialty, Case.Status,
        Case.ClinicalQuestion, Case.PatientId, [.. Case.Studies], Case.RequestingInstitutionId, Case.RequestedBy,
        Case.AssignedReaderId, Case.OpenedAt, Case.SlaDueAt, Case.AcceptDueAt, Case.SlaBreached, Case.Ecg,
        Case.SecondOpinionOf, [.. Case.History]);

    internal sealed class State
    {
        public bool Opened { get; set; }

        public string CommunityId { get; set; } = string.Empty;

        public string RoutedCommunityId { get; set; } = string.Empty;

        public CaseKind Kind { get; set; }

        public CasePriority Priority { get; set; }

        public Specialty Specialty { get; set; }

        public CaseStatus Status { get; set; }

        public string ClinicalQuestion { get; set; } = string.Empty;

        public string? PatientId { get; set; }

        public List<string> Studies { get; set; } = [];

        public string RequestingInstitutionId { get; set; } = string.Empty;

        public string RequestedBy { get; set; } = string.Empty;

        public string? AssignedReaderId { get; set; }

        public DateTimeOffset OpenedAt { get; set; }

        public DateTimeOffset SlaDueAt { get; set; }

        public DateTimeOffset? AcceptDueAt { get; set; }

        public TimeSpan AcceptTimeout { get; set; }

        public bool SlaBreached { get; set; }

        public bool SlaWarned { get; set; }

        public EcgFindings? Ecg { get; set; }

        public Guid? SecondOpinionOf { get; set; }

        public List<CaseHistoryEntry> History { get; set; } = [];

        public DateTimeOffset? AssignedAt { get; set; }

        public DateTimeOffset? AcceptedAt { get; set; }

        public DateTimeOffset? SignedAt { get; set; }

        public DateTimeOffset? ClosedAt { get; set; }

        public DateTimeOffset UpdatedAt { get; set; }

        /// <summary>Counts stored changes; the index entry carries it (<see cref="ICaseIndex"/>).</summary>
        public long Revision { get; set; }
    }
}
