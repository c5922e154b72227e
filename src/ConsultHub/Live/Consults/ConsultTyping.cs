namespace Telemed.ConsultHub.Live.Consults;

/// <summary>A participant started or stopped typing; not stored.</summary>
public sealed record ConsultTyping(Guid CaseId, string UserId, bool Typing);
