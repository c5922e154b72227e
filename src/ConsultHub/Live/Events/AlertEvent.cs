namespace Telemed.ConsultHub.Live.Events;

/// <summary>Pushed as "alert" to the people who must act: a Stat case assigned to them, a breached SLA, no reader on duty.</summary>
/// <param name="Kind">StatCase, SlaBreached, NoReaderOnDuty.</param>
public sealed record AlertEvent(Guid CaseId, string Kind, string Message, bool Urgent, DateTimeOffset At, long Sequence, Guid Epoch);
