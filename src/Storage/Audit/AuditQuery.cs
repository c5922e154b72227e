namespace Telemed.Storage.Audit;

/// <summary>Filters for reading one community's audit log; null means any.</summary>
public sealed record AuditQuery(
    string CommunityId,
    string? UserId = null,
    string? PatientId = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int Limit = 500);
