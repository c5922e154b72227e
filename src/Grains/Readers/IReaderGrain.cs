namespace Telemed.Grains.Readers;

/// <summary>
/// One reader, keyed by user id: enrolment, duty and presence. The worklist is the open cases assigned to them, read
/// from the case index (<see cref="Cases.ICaseIndex"/>); routing keeps the loads it balances on itself.
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
}
