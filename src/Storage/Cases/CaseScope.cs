namespace Telemed.Storage.Cases;

/// <summary>
/// Which cases a caller may list, decided by the host (AccessScope) and applied here as a query predicate so that
/// nothing outside it is ever read: one requesting institution (staff); a community's own and pool cases plus those
/// assigned to one reader (readers); or a community's own cases (admins, auditors).
/// </summary>
public sealed record CaseScope
{
    private CaseScope(string communityId, string? institutionId, string? readerId)
    {
        CommunityId = communityId;
        InstitutionId = institutionId;
        ReaderId = readerId;
    }

    public string CommunityId { get; }

    /// <summary>Set for <see cref="Institution"/>: only cases this institution requested.</summary>
    public string? InstitutionId { get; }

    /// <summary>Set for <see cref="Reader"/>: the community's cases and pool, plus the cases assigned to this reader.</summary>
    public string? ReaderId { get; }

    /// <summary>The cases one institution of the community requested.</summary>
    public static CaseScope Institution(string communityId, string institutionId) =>
        new(Required(communityId), Required(institutionId), null);

    /// <summary>
    /// The cases a reader of the community may read: those the community requested, those routed to its pools (overflow
    /// from another community) and those assigned to the reader wherever they came from.
    /// </summary>
    public static CaseScope Reader(string communityId, string readerId) => new(Required(communityId), null, Required(readerId));

    /// <summary>The cases the community's institutions requested.</summary>
    public static CaseScope Community(string communityId) => new(Required(communityId), null, null);

    private static string Required(string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("a scope needs a community, institution or reader id", nameof(value)) : value;
}
