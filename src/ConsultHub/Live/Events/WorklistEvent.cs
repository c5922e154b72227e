namespace Telemed.ConsultHub.Live.Events;

/// <summary>Pushed as "worklist" to the reader whose worklist gained or lost a case.</summary>
public sealed record WorklistEvent(string ReaderId, int OpenCases, DateTimeOffset At, long Sequence, Guid Epoch);
