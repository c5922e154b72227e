using Telemed.Grains.Cases;

namespace Telemed.Grains.Events;

/// <summary>A change the host pushes to browsers: worklists, cases, alerts.</summary>
[GenerateSerializer, Immutable]
public abstract record CommunityEvent;

/// <summary>A reader's worklist gained or lost a case.</summary>
[GenerateSerializer, Immutable]
public sealed record WorklistChanged(string ReaderId, int OpenCases) : CommunityEvent;

[GenerateSerializer, Immutable]
public sealed record CaseChanged(Guid CaseId, CaseStatus Status, CasePriority Priority, string? AssignedReaderId) : CommunityEvent;

/// <summary>Someone must act now: a Stat case arrived, or a case breached its SLA.</summary>
[GenerateSerializer, Immutable]
public sealed record AlertRaised(Guid CaseId, AlertKind Kind, IReadOnlyList<string> Recipients, string Message) : CommunityEvent;
