namespace Telemed.Storage.Audit;

/// <summary>What the caller wants recorded; the log adds the sequence number, time and hashes.</summary>
public sealed record AuditEvent(
    string UserId,
    string CommunityId,
    string Action,
    string Resource,
    string? PatientId,
    string RemoteAddress,
    string Outcome);
