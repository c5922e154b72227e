using Telemed.Grains.Communities;

namespace Telemed.Grains.Cases;

/// <summary>
/// Where the case grain publishes its current state for queries (case lists, dashboards, worklists, routing's
/// rebuild after a restart): the host puts it in the catalog. The grain's own state stays the truth; an entry with a
/// lower <see cref="CaseIndexEntry.Revision"/> than the stored one is ignored, so writes may repeat or arrive late (the
/// grain re-writes its entry on activation to catch up after a crash between its state write and this one).
/// </summary>
public interface ICaseIndex
{
    Task WriteAsync(CaseIndexEntry entry);

    /// <summary>
    /// Stores the grain's state through <paramref name="writeState"/> and the entry with it: in the same transaction where
    /// the storage allows it (the SQLite catalog), else right after the state. Throws if the state write failed (the
    /// entry is then not written); false if only the entry failed after the state was stored.
    /// </summary>
    Task<bool> WriteWithStateAsync(CaseIndexEntry entry, Func<Task> writeState);

    /// <summary>Cases with a reader that are not closed (Assigned, InProgress, Preliminary) of this reader: their worklist.</summary>
    Task<IReadOnlyList<CaseIndexEntry>> OpenCasesOfReaderAsync(string readerId);

    /// <summary>The open cases with a reader in a routing pool (routed community and specialty): its readers' loads.</summary>
    Task<IReadOnlyList<CaseIndexEntry>> OpenCasesOfPoolAsync(string routedCommunityId, Specialty specialty);

    /// <summary>
    /// A pool's (routed community and specialty) cases that its deadline tick looks at: every New case, and every case
    /// not closed whose accept deadline passed, or whose SLA passed or reached three quarters unbreached and unwarned.
    /// </summary>
    Task<IReadOnlyList<CaseIndexEntry>> DeadlineCasesOfPoolAsync(string routedCommunityId, Specialty specialty, DateTimeOffset now);

    /// <summary>For each patient that has one, the reader of their latest case with a reader in this pool (continuity).</summary>
    Task<IReadOnlyDictionary<string, string>> LastReadersAsync(string routedCommunityId, Specialty specialty, IReadOnlyCollection<string> patientIds);
}
