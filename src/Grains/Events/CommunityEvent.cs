using Telemed.Grains.Cases;

namespace Telemed.Grains.Events;

/// <summary>A change the host pushes to browsers: worklists, cases, alerts.</summary>
[GenerateSerializer, Immutable]
public abstract record CommunityEvent
{
    /// <summary>
    /// The event's place in its community's feed (1, 2, 3, …), stamped by the feed grain; with <see cref="Epoch"/>
    /// it is what a reconnecting client passes to <see cref="ICommunityFeedGrain.SinceAsync"/>. 0 before publication.
    /// </summary>
    [Id(0)]
    public long Sequence { get; init; }

    /// <summary>The feed activation that numbered the event: sequences restart when the feed grain is reactivated.</summary>
    [Id(1)]
    public Guid Epoch { get; init; }
}

/// <summary>A reader's worklist gained or lost a case.</summary>
[GenerateSerializer, Immutable]
public sealed record WorklistChanged(string ReaderId, int OpenCases) : CommunityEvent;

/// <summary>
/// A case changed. Carries what a worklist or case list needs to update a row without asking again; no patient data.
/// <see cref="Action"/> is the case history's entry for the change ("assigned", "accepted", "SLA breached", …).
/// The fields after <see cref="AssignedReaderId"/> were added later (at the end, so stored and in-flight events keep
/// their field ids) and default for publishers that do not set them.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CaseChanged(
    Guid CaseId,
    CaseStatus Status,
    CasePriority Priority,
    string? AssignedReaderId,
    CaseKind Kind = default,
    string CommunityId = "",
    string RequestingInstitutionId = "",
    string Action = "",
    DateTimeOffset At = default,
    bool SlaBreached = false,
    DateTimeOffset SlaDueAt = default) : CommunityEvent;

/// <summary>Someone must act now: a Stat case arrived, or a case breached its SLA.</summary>
[GenerateSerializer, Immutable]
public sealed record AlertRaised(Guid CaseId, AlertKind Kind, IReadOnlyList<string> Recipients, string Message) : CommunityEvent;
