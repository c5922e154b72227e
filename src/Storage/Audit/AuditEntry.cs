namespace Telemed.Storage.Audit;

/// <summary>
/// One line of the audit log: who did what to which patient's data, when, from where, and how it ended. Rows are
/// only ever appended; <see cref="Hash"/> chains each to the one before (<see cref="AuditChain"/>) so that an edited,
/// deleted or reordered row is detectable.
/// </summary>
public sealed class AuditEntry
{
    /// <summary>1, 2, 3, … without gaps: a missing number is a deleted row.</summary>
    public long Sequence { get; set; }

    /// <summary>UTC, whole milliseconds (what every provider stores exactly).</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>The signed-in user, or the name tried at a failed sign-in.</summary>
    public required string UserId { get; set; }

    /// <summary>The community whose auditors see the entry.</summary>
    public required string CommunityId { get; set; }

    /// <summary>What was done, e.g. "case.read", "studies.list", "user.create", "auth.login".</summary>
    public required string Action { get; set; }

    /// <summary>What it was done to, e.g. "case/3f2…" or "institution/township-dongcun".</summary>
    public required string Resource { get; set; }

    public string? PatientId { get; set; }

    public required string RemoteAddress { get; set; }

    /// <summary>"ok", "denied", "not-found", "failed".</summary>
    public required string Outcome { get; set; }

    /// <summary>The previous entry's <see cref="Hash"/>; 64 zeros for the first entry.</summary>
    public required string PreviousHash { get; set; }

    /// <summary>SHA-256 over <see cref="PreviousHash"/> and the canonical form of this entry, lowercase hex.</summary>
    public required string Hash { get; set; }
}
