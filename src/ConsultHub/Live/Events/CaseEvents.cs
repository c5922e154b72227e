using Telemed.Grains.Cases;
using Telemed.Grains.Events;

namespace Telemed.ConsultHub.Live.Events;

/// <summary>Turns the grain's <see cref="CaseChanged"/> into the pushed <see cref="CaseEvent"/>.</summary>
internal static class CaseEvents
{
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
        changed.Priority == CasePriority.Stat);

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
