using Telemed.ConsultHub.Auth;
using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Storage.Accounts;
using Xunit;

namespace Telemed.ConsultHub.Tests;

/// <summary>The scope rules on their own, with a fixed institution directory (no silo).</summary>
public sealed class AccessScopeTests
{
    private sealed class Directory : IInstitutionDirectory
    {
        public Task<string?> CommunityOfAsync(string institutionId) => Task.FromResult<string?>(institutionId switch
        {
            "a-county" or "a-town" or "a-village" => "county-a",
            "b-town" => "county-b",
            _ => null,
        });
    }

    private static AccessScope Scope(UserRole role, string institution = "a-town", string user = "me") =>
        new(new Caller(user, role, "county-a", institution), new Directory());

    private static CaseView Case(string community, string institution, string? routedCommunity = null, string? assigned = null) => new(
        Guid.NewGuid(), community, routedCommunity ?? community, CaseKind.EcgRead, CasePriority.Routine, Specialty.Cardiology, CaseStatus.New,
        "question", "P1", [], institution, "someone", assigned, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, false, null, null, []);

    [Fact]
    public async Task Staff_read_only_their_own_institution_and_not_one_unknown_to_every_community()
    {
        AccessScope staff = Scope(UserRole.TownshipStaff);
        Assert.True(await staff.CanReadPatientDataOfAsync("a-town"));
        Assert.False(await staff.CanReadPatientDataOfAsync("a-village"));
        Assert.False(await staff.CanReadPatientDataOfAsync("b-town"));
        Assert.True(staff.CanReadCase(Case("county-a", "a-town")));
        Assert.False(staff.CanReadCase(Case("county-a", "a-village")));
        // Same institution id in another community's case: still not theirs.
        Assert.False(staff.CanReadCase(Case("county-b", "a-town")));
        Assert.False(await Scope(UserRole.VillageDoctor, "ghost-clinic").CanReadPatientDataOfAsync("ghost-clinic"));
    }

    [Fact]
    public async Task Readers_read_their_community_overflowed_cases_and_cases_assigned_to_them()
    {
        AccessScope reader = Scope(UserRole.Cardiologist, "a-county", "card-1");
        Assert.True(await reader.CanReadPatientDataOfAsync("a-village"));
        Assert.False(await reader.CanReadPatientDataOfAsync("b-town"));
        Assert.True(reader.CanReadCase(Case("county-a", "a-town")));
        Assert.False(reader.CanReadCase(Case("county-b", "b-town")));
        Assert.True(reader.CanReadCase(Case("county-b", "b-town", routedCommunity: "county-a")));
        Assert.True(reader.CanReadCase(Case("county-b", "b-town", assigned: "card-1")));
    }

    [Theory]
    [InlineData(UserRole.CommunityAdmin)]
    [InlineData(UserRole.Auditor)]
    public async Task Admins_and_auditors_read_no_patient_data(UserRole role)
    {
        AccessScope scope = Scope(role, "a-county");
        Assert.False(await scope.CanReadPatientDataOfAsync("a-county"));
        Assert.False(scope.CanReadCase(Case("county-a", "a-county")));
        Assert.True(await scope.CanSeeInstitutionAsync("a-village"));
        Assert.False(await scope.CanSeeInstitutionAsync("b-town"));
    }

    [Fact]
    public async Task Only_admins_manage_and_only_auditors_audit_and_only_their_own_community()
    {
        AccessScope admin = Scope(UserRole.CommunityAdmin, "a-county");
        Assert.True(admin.CanManageCommunity("county-a"));
        Assert.False(admin.CanManageCommunity("county-b"));
        Assert.True(await admin.CanManageInstitutionAsync("a-village"));
        Assert.False(await admin.CanManageInstitutionAsync("b-town"));
        Assert.False(admin.CanReadAudit("county-a"));
        AccessScope auditor = Scope(UserRole.Auditor, "a-county");
        Assert.True(auditor.CanReadAudit("county-a"));
        Assert.False(auditor.CanReadAudit("county-b"));
        Assert.False(auditor.CanManageCommunity("county-a"));
        Assert.False(Scope(UserRole.Radiologist).CanManageCommunity("county-a"));
    }
}
