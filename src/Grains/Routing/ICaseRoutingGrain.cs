namespace Telemed.Grains.Routing;

/// <summary>
/// The reading pool of one community and specialty (key <see cref="RoutingKey.For"/>). Queued cases go out Stat, then
/// Urgent, then Routine (oldest first within a priority) to on-duty readers of the specialty: the patient's previous
/// reader when on duty, else the least loaded. Readers at the community's open-case limit take only Stat cases. With
/// nobody on duty and an upper-level community configured, cases overflow there.
/// One activation per pool decides, so a case is never given to two readers. Its queue, loads and duty list live in
/// memory: a waiting case is New in its own state and the pool's deadline reminder (one per pool) finds it in the case
/// index and has it resubmit itself if the pool lost it; loads and continuity are rebuilt from the case index and duty
/// from the readers when the pool activates. The same tick drives the cases' accept and SLA deadlines.
/// Calls into routing are one-way: routing calls cases and readers, and they never wait on it. The calls that only
/// note something in memory interleave with a dispatch in flight, so submissions queue up cheaply and are placed in
/// batches.
/// </summary>
public interface ICaseRoutingGrain : IGrainWithStringKey, IRemindable
{
    /// <summary>Queues the case (or updates its priority) and dispatches. Repeating it is harmless.</summary>
    [OneWay, AlwaysInterleave]
    Task SubmitAsync(RoutingRequest request);

    /// <summary>
    /// Gives the case to another reader: <paramref name="toReaderId"/> when named and on duty in this pool, else the one
    /// routing chooses (the same one only if nobody else is on duty).
    /// </summary>
    [OneWay]
    Task ReassignAsync(Guid caseId, string fromReaderId, string reason, string? toReaderId = null);

    /// <summary>SLA breached: alert the backup and the department head; a case nobody accepted moves to the backup.</summary>
    [OneWay]
    Task EscalateAsync(Guid caseId, string? currentReaderId, bool accepted);

    /// <summary>The case was signed or cancelled: its reader has room again.</summary>
    [OneWay, AlwaysInterleave]
    Task CaseClosedAsync(Guid caseId);

    /// <summary>A reader of this pool started or ended duty.</summary>
    [OneWay, AlwaysInterleave]
    Task ReaderDutyChangedAsync(string readerId, bool onDuty);

    /// <summary>Places queued cases with whoever has room now.</summary>
    [OneWay, AlwaysInterleave]
    Task DispatchAsync();

    /// <summary>Starts the pool's deadline reminder unless it runs; a case calls it before it is first stored.</summary>
    [AlwaysInterleave]
    Task StartDeadlinesAsync();

    /// <summary>Waiting cases in the order they will go out.</summary>
    Task<IReadOnlyList<RoutingRequest>> GetQueueAsync();
}
