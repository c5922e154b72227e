namespace Telemed.ConsultHub.Live.Consults;

/// <summary>Who is in the session now (user ids), after <paramref name="UserId"/> "joined" or "left".</summary>
public sealed record ConsultPresence(Guid CaseId, IReadOnlyList<string> Present, string UserId, string Change);
