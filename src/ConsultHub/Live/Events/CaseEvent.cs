using Telemed.Grains.Cases;

namespace Telemed.ConsultHub.Live.Events;

/// <summary>
/// Pushed as "case": a case list or worklist row, complete enough to update without another request. No patient
/// name or id: the groups it goes to include admins, who read no patient data.
/// </summary>
/// <param name="Change">assigned, accepted (status InProgress: reading), preliminary, signed, amended, cancelled,
/// opened, returned, priority-raised, sla-warning (three quarters of the SLA gone), sla-breached, accept-timed-out, escalated.</param>
/// <param name="Urgent">A Stat case: clients sound an alert.</param>
/// <param name="Sequence">The event's place in the community feed of <paramref name="Epoch"/>: pass both to Missed after a reconnect.</param>
public sealed record CaseEvent(
    Guid CaseId,
    string Change,
    CaseStatus Status,
    CasePriority Priority,
    CaseKind Kind,
    string CommunityId,
    string RequestingInstitutionId,
    string? AssignedReaderId,
    DateTimeOffset At,
    DateTimeOffset SlaDueAt,
    bool SlaBreached,
    bool Urgent,
    long Sequence,
    Guid Epoch);
