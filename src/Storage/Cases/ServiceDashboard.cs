namespace Telemed.Storage.Cases;

/// <summary>
/// The service dashboard of a community (or one institution of it) for the cases opened in [From, To): one row per
/// requesting institution that had cases, and the same figures over all of them. Open-past-due counts are as of
/// <see cref="AsOf"/>.
/// </summary>
public sealed record ServiceDashboard(
    string CommunityId,
    string? InstitutionId,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset AsOf,
    InstitutionService Overall,
    IReadOnlyList<InstitutionService> Institutions);
