namespace Telemed.Grains.Readers;

/// <summary>
/// One reader, keyed by user id: enrolment, duty, presence and the open cases on their worklist. Routing adds and
/// removes cases; the reader's own load is what routing balances on.
/// </summary>
public interface IReaderGrain : IGrainWithStringKey
{
    Task EnrolAsync(string communityId, Communities.ReaderEnrolment enrolment);

    /// <summary>Puts the reader in their pools; waiting cases are dispatched to them.</summary>
    Task StartDutyAsync();

    /// <summary>Takes the reader out of their pools; cases already theirs stay on their worklist.</summary>
    Task EndDutyAsync();

    Task SetPresenceAsync(Presence presence);

    Task<ReaderStatus> GetStatusAsync();

    /// <summary>Open cases, Stat first, then by SLA due time.</summary>
    Task<IReadOnlyList<WorklistEntry>> GetWorklistAsync();

    Task AddCaseAsync(WorklistEntry entry);

    Task RemoveCaseAsync(Guid caseId);
}
