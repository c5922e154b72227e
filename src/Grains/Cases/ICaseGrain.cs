namespace Telemed.Grains.Cases;

/// <summary>
/// One case, keyed by a Guid: its request, lifecycle, history and deadlines. Routing decisions arrive as
/// <see cref="AssignAsync"/> / <see cref="UnassignAsync"/>; the reader acts through <see cref="AcceptAsync"/> and the
/// report grain through the Mark… calls. Steps the status does not allow throw <see cref="CaseTransitionException"/>.
/// </summary>
public interface ICaseGrain : IGrainWithGuidKey, IRemindable
{
    /// <summary>Opens the case (New), makes sure its routing pool's deadline reminder runs and hands it to routing.</summary>
    Task<CaseView> OpenAsync(CaseRequest request);

    Task<CaseView> GetAsync();

    Task AddStudyAsync(string studyUid, string actor);

    /// <summary>Makes the case more urgent (never less) and shortens its SLA to the new priority's.</summary>
    Task RaisePriorityAsync(CasePriority priority, string actor, string reason);

    /// <summary>Routing gave the case to a reader (also a reassignment); the accept timeout starts.</summary>
    Task AssignAsync(string readerId, string routedCommunityId, string reason);

    /// <summary>Routing took the case back to its queue.</summary>
    Task UnassignAsync(string reason);

    Task AcceptAsync(string readerId);

    Task MarkPreliminaryAsync(string readerId);

    Task MarkSignedAsync(string readerId, int reportVersion);

    Task MarkAmendedAsync(string readerId, int reportVersion, string reason);

    Task CancelAsync(string actor, string reason);

    /// <summary>Routing escalated a breached SLA to these people.</summary>
    Task RecordEscalationAsync(string? backupReaderId, string? departmentHeadId);

    /// <summary>Routing sent the case to the upper-level community's pool.</summary>
    Task RecordOverflowAsync(string upperCommunityId);

    /// <summary>
    /// Compares the accept and SLA deadlines with the clock (timeout → reassignment, warning at three quarters of the
    /// SLA, breach → escalation) and resubmits a New case to routing. The routing pool's deadline tick calls it for its
    /// cases that are due or that it does not hold; repeating it is harmless.
    /// </summary>
    [OneWay]
    Task CheckDeadlinesAsync();

    /// <summary>Opens a linked case in the upper-level community's pool and returns its id.</summary>
    Task<Guid> RequestSecondOpinionAsync(string actor, string question);
}
