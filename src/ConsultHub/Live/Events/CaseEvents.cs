using Telemed.Grains.Cases;
using Telemed.Grains.Events;

namespace Telemed.ConsultHub.Live.Events;

/// <summary>Turns the grains' community events into what the events hub pushes, and says who may receive each.</summary>
internal static class CaseEvents
{
    /// <summary>
    /// The groups an event of <paramref name="feedCommunityId"/>'s feed goes to. The requesting institution belongs to
    /// the case's own community; the routed community's feed carries the same event and does not send it there twice.
    /// </summary>
    public static IReadOnlyList<string> Audience(string feedCommunityId, CommunityEvent communityEvent) => communityEvent switch
    {
        CaseChanged c when (c.CommunityId.Length == 0 || c.CommunityId == feedCommunityId) && c.RequestingInstitutionId.Length > 0 =>
            [EventGroups.Readers(feedCommunityId), EventGroups.Admins(feedCommunityId), EventGroups.Institution(feedCommunityId, c.RequestingInstitutionId)],
        CaseChanged => [EventGroups.Readers(feedCommunityId), EventGroups.Admins(feedCommunityId)],
        AlertRaised { Recipients.Count: > 0 } a => [.. a.Recipients.Select(EventGroups.User)],
        AlertRaised => [EventGroups.Readers(feedCommunityId), EventGroups.Admins(feedCommunityId)],
        WorklistChanged w => [EventGroups.User(w.ReaderId)],
        _ => [],
    };

    public static AlertEvent From(AlertRaised alert, DateTimeOffset now) =>
        new(alert.CaseId, alert.Kind.ToString(), alert.Message, alert.Kind is AlertKind.StatCase or AlertKind.NoReaderOnDuty, now, alert.Sequence, alert.Epoch);

    public static WorklistEvent From(WorklistChanged worklist, DateTimeOffset now) =>
        new(worklist.ReaderId, worklist.OpenCases, now, worklist.Sequence, worklist.Epoch);

    public static CaseEvent From(CaseChanged changed, string feedCommunityId, DateTimeOffset now) => new(
        changed.CaseId,
        ChangeOf(changed),
        changed.Status,
        changed.Priority,
        changed.Kind,
        changed.CommunityId.Length > 0 ? changed.CommunityId : feedCommunityId,
        changed.RequestingInstitutionId,
        changed.AssignedReaderId,
        changed.At == default ? now : changed.At,
        changed.SlaDueAt,
        changed.SlaBreached,
        changed.Priority == CasePriority.Stat,
        changed.Sequence,
        changed.Epoch);

    /// <summary>The case history's action names (CaseGrain) as short event names; the status when the action is unknown.</summary>
    private static string ChangeOf(CaseChanged changed) => changed.Action switch
    {
        "opened" => "opened",
        "assigned" => "assigned",
        "returned to queue" => "returned",
        "accepted" => "accepted",
        "preliminary report saved" => "preliminary",
        "signed" => "signed",
        "amended" => "amended",
        "cancelled" => "cancelled",
        "SLA warning" => "sla-warning",
        "SLA breached" => "sla-breached",
        "accept timed out" => "accept-timed-out",
        "escalated" => "escalated",
        _ when changed.Action.StartsWith("priority raised", StringComparison.Ordinal) => "priority-raised",
        _ => changed.Status switch
        {
            CaseStatus.New => "opened",
            CaseStatus.Assigned => "assigned",
            CaseStatus.InProgress => "accepted",
            CaseStatus.Preliminary => "preliminary",
            CaseStatus.Signed => "signed",
            CaseStatus.Amended => "amended",
            _ => "cancelled",
        },
    };
}
