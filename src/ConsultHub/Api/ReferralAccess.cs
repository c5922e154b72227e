using Telemed.ConsultHub.Auth;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// Who sees and handles a referral. It concerns two institutions: the people working there see it, and so do the
/// admins and auditors of either institution's community; nobody else, readers of the community included. Only the
/// receiving side answers it: anyone but an auditor at the receiving institution, or an admin of its community.
/// A referral may join two communities only where one end is a city hospital (<see cref="MayCrossCommunities"/>).
/// </summary>
internal static class ReferralAccess
{
    public static bool CanSee(AccessScope scope, ReferralEnds ends)
    {
        Caller caller = scope.Caller;
        bool ownCommunity = caller.CommunityId == ends.FromCommunityId || caller.CommunityId == ends.ToCommunityId;
        bool atEitherEnd = (caller.InstitutionId == ends.FromInstitutionId && caller.CommunityId == ends.FromCommunityId)
            || (caller.InstitutionId == ends.ToInstitutionId && caller.CommunityId == ends.ToCommunityId);
        return atEitherEnd || ((scope.IsAdmin || scope.IsAuditor) && ownCommunity);
    }

    public static bool CanAnswer(AccessScope scope, ReferralEnds ends) =>
        !scope.IsAuditor && scope.Caller.CommunityId == ends.ToCommunityId
        && (scope.Caller.InstitutionId == ends.ToInstitutionId || scope.IsAdmin);

    /// <summary>
    /// A county medical community ends at its county hospital; the city hospital above it is usually another
    /// community's (or none's). The referral grain joins any two institutions of different levels, so the API allows
    /// crossing communities exactly for the step to or from a city hospital: county → city of another community and back
    /// down — not, say, a township straight into another county's community.
    /// </summary>
    public static bool MayCrossCommunities(Telemed.Grains.Communities.InstitutionLevel from, Telemed.Grains.Communities.InstitutionLevel to) =>
        from == Telemed.Grains.Communities.InstitutionLevel.City || to == Telemed.Grains.Communities.InstitutionLevel.City;

    public static string Resource(Guid id) => $"referral/{id}";
}

/// <summary>The two institutions of a referral with their communities.</summary>
internal sealed record ReferralEnds(string FromInstitutionId, string FromCommunityId, string ToInstitutionId, string ToCommunityId);
