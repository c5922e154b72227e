using Telemed.Grains.Cases;
using Telemed.Storage.Accounts;

namespace Telemed.ConsultHub.Auth;

/// <summary>
/// What one caller may see and do, decided in one place so every endpoint applies the same rules: staff (village
/// doctors, township staff) see their own institution's patient data; readers (cardiologists, radiologists) their
/// community's, plus cases assigned to them; community admins manage their community's institutions and users but
/// read no patient data; auditors read their community's audit log and nothing else. Nobody crosses communities.
/// </summary>
public sealed class AccessScope(Caller caller, IInstitutionDirectory institutions)
{
    public Caller Caller { get; } = caller;

    public bool IsStaff => Caller.Role is UserRole.VillageDoctor or UserRole.TownshipStaff;

    public bool IsReader => Caller.Role is UserRole.Cardiologist or UserRole.Radiologist;

    public bool IsAdmin => Caller.Role is UserRole.CommunityAdmin;

    public bool IsAuditor => Caller.Role is UserRole.Auditor;

    /// <summary>May the caller read patient data (studies, cases) of this institution?</summary>
    public async Task<bool> CanReadPatientDataOfAsync(string institutionId)
    {
        if (IsStaff)
        {
            return institutionId == Caller.InstitutionId && await InOwnCommunityAsync(institutionId);
        }

        return IsReader && await InOwnCommunityAsync(institutionId);
    }

    /// <summary>May the caller see this institution in the directory (name, level, parent; no patient data)?</summary>
    public async Task<bool> CanSeeInstitutionAsync(string institutionId) =>
        IsStaff ? institutionId == Caller.InstitutionId && await InOwnCommunityAsync(institutionId) : await InOwnCommunityAsync(institutionId);

    /// <summary>May the caller see the directory of this community (every institution in it)?</summary>
    public bool CanSeeCommunity(string communityId) => !IsStaff && communityId == Caller.CommunityId;

    public bool CanReadCase(CaseView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (IsStaff)
        {
            return view.CommunityId == Caller.CommunityId && view.RequestingInstitutionId == Caller.InstitutionId;
        }

        // A case overflowed from another community is read by this community's readers; the one it is assigned to
        // always sees it.
        return IsReader && (view.CommunityId == Caller.CommunityId || view.RoutedCommunityId == Caller.CommunityId || view.AssignedReaderId == Caller.UserId);
    }

    public bool CanManageCommunity(string communityId) => IsAdmin && communityId == Caller.CommunityId;

    /// <summary>May the caller make a user at this institution (an admin, within their community)?</summary>
    public async Task<bool> CanManageInstitutionAsync(string institutionId) => IsAdmin && await InOwnCommunityAsync(institutionId);

    /// <summary>May the caller read the community's SLA settings and duty roster (its admins, readers and auditors)?</summary>
    public bool CanReadCommunitySettings(string communityId) => (IsAdmin || IsReader || IsAuditor) && communityId == Caller.CommunityId;

    /// <summary>May the caller see the community's readers and their load (its admins and readers)?</summary>
    public bool CanSeeReaders(string communityId) => (IsAdmin || IsReader) && communityId == Caller.CommunityId;

    /// <summary>May the caller start or end this reader's duty: the reader themself, or their community's admin?</summary>
    public bool CanSetDutyOf(string readerId, string readerCommunityId) =>
        readerCommunityId == Caller.CommunityId && ((IsReader && readerId == Caller.UserId) || IsAdmin);

    public bool CanReadAudit(string communityId) => IsAuditor && communityId == Caller.CommunityId;

    /// <summary>Tokens for oneself, or for a user of one's community when admin.</summary>
    public bool CanIssueTokenFor(UserAccount user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Id == Caller.UserId || CanManageCommunity(user.CommunityId);
    }

    private async Task<bool> InOwnCommunityAsync(string institutionId) =>
        await institutions.CommunityOfAsync(institutionId) == Caller.CommunityId;
}
