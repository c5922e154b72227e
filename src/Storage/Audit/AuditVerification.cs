namespace Telemed.Storage.Audit;

/// <summary>
/// The outcome of walking the chain: intact, or the first entry that does not fit and why. Entries after the first
/// break are not judged (they no longer chain to anything trustworthy).
/// </summary>
public sealed record AuditVerification(bool Intact, long EntriesChecked, long? FirstBrokenSequence, string? Problem);
