using Telemed.Grains.Communities;
using Xunit;

namespace Telemed.Grains.Tests;

public sealed class CommunityTests : SiloTest
{
    [Fact]
    public async Task The_institutions_tree_keeps_levels_below_their_parents()
    {
        await County.DefineAsync(Grains);
        ICommunityGrain community = Grains.GetGrain<ICommunityGrain>(County.Id);

        await Assert.ThrowsAsync<ArgumentException>(() => community.DefineInstitutionAsync(new Institution("x", "X", InstitutionLevel.County, County.TownshipA)));
        await Assert.ThrowsAsync<ArgumentException>(() => community.DefineInstitutionAsync(new Institution("y", "Y", InstitutionLevel.Village, "missing")));
        await Assert.ThrowsAsync<ArgumentException>(() => community.EnrolReaderAsync(new ReaderEnrolment("r", "R", "missing", [Specialty.Cardiology])));
        await Assert.ThrowsAsync<ArgumentException>(() => community.ConfigureAsync(CommunitySettings.Default with { StatSla = TimeSpan.Zero }));

        IReadOnlyList<Institution> tree = await community.GetInstitutionsAsync();
        Assert.Equal([County.Hospital, County.TownshipA, County.TownshipB, County.Village], tree.Select(i => i.Id));
        Assert.Equal(County.Id, (await Grains.GetGrain<IInstitutionGrain>(County.Village).GetAsync())!.CommunityId);
        Assert.Equal(["card-a", "card-b", "card-c", County.CardiologyHead], await community.GetReadersAsync(Specialty.Cardiology));
    }

    [Fact]
    public async Task Escalation_contacts_come_from_the_roster_now_and_the_department()
    {
        await County.DefineAsync(Grains);
        ICommunityGrain community = Grains.GetGrain<ICommunityGrain>(County.Id);
        DateTimeOffset now = Time.GetUtcNow();
        await community.SetRosterAsync(
        [
            new DutyShift("card-b", Specialty.Cardiology, now.AddHours(-8), now.AddHours(-1), DutyRole.Backup),
            new DutyShift("card-c", Specialty.Cardiology, now.AddHours(-1), now.AddHours(7), DutyRole.Backup),
        ]);

        Assert.Equal(new EscalationContacts("card-c", County.CardiologyHead), await community.GetEscalationContactsAsync(Specialty.Cardiology, "card-a"));
        Assert.Equal(new EscalationContacts(null, County.CardiologyHead), await community.GetEscalationContactsAsync(Specialty.Cardiology, "card-c"));
        Time.Advance(TimeSpan.FromHours(8));
        Assert.Equal(new EscalationContacts(null, County.CardiologyHead), await community.GetEscalationContactsAsync(Specialty.Cardiology, "card-a"));
        Assert.Equal(new EscalationContacts(null, null), await community.GetEscalationContactsAsync(Specialty.Radiology, null));
        await Assert.ThrowsAsync<ArgumentException>(() => community.SetRosterAsync([new DutyShift("stranger", Specialty.Cardiology, now, now.AddHours(1), DutyRole.Primary)]));
    }

    [Fact]
    public async Task Admin_changes_name_the_revision_they_were_made_against()
    {
        await County.DefineAsync(Grains);
        ICommunityGrain community = Grains.GetGrain<ICommunityGrain>(County.Id);

        Revised<CommunitySettings> settings = await community.GetRevisedSettingsAsync();
        int next = await community.ReviseSettingsAsync(settings.Value with { UrgentSla = TimeSpan.FromMinutes(20) }, settings.Revision);
        Assert.Equal(settings.Revision + 1, next);
        // The exception types cross the grain boundary: the API tells 412 from 409 from 400 by them.
        await Assert.ThrowsAsync<RevisionMismatchException>(() => community.ReviseSettingsAsync(settings.Value, settings.Revision));
        await Assert.ThrowsAsync<ArgumentException>(() => community.ReviseSettingsAsync(settings.Value with { StatSla = TimeSpan.FromHours(1) }, next));
        await Assert.ThrowsAsync<ArgumentException>(() => community.ReviseSettingsAsync(settings.Value with { UpperLevelCommunityId = County.Id }, next));
        Assert.Equal(TimeSpan.FromMinutes(20), (await community.GetSettingsAsync()).UrgentSla);

        Revised<IReadOnlyList<DutyShift>> roster = await community.GetRosterAsync();
        DateTimeOffset now = Time.GetUtcNow();
        await Assert.ThrowsAsync<ArgumentException>(() => community.ReviseRosterAsync([new DutyShift("card-a", Specialty.Radiology, now, now.AddHours(1), DutyRole.Primary)], roster.Revision));
        int rosterRevision = await community.ReviseRosterAsync([new DutyShift("card-a", Specialty.Cardiology, now, now.AddHours(1), DutyRole.Primary)], roster.Revision);
        await Assert.ThrowsAsync<RevisionMismatchException>(() => community.ReviseRosterAsync([], roster.Revision));
        Assert.Equal(rosterRevision, (await community.GetRosterAsync()).Revision);
        Assert.Single((await community.GetRosterAsync()).Value);

        Revised<Institution> village = (await community.GetInstitutionAsync(County.Village))!;
        int renamed = await community.RenameInstitutionAsync(County.Village, "New name", village.Revision);
        await Assert.ThrowsAsync<RevisionMismatchException>(() => community.RenameInstitutionAsync(County.Village, "Lost", village.Revision));
        Assert.Equal(new Revised<Institution>(village.Value with { Name = "New name" }, renamed), await community.GetInstitutionAsync(County.Village));
        Assert.Equal("New name", (await Grains.GetGrain<IInstitutionGrain>(County.Village).GetAsync())!.Institution.Name);
        Assert.Null(await community.GetInstitutionAsync("missing"));
    }

    [Fact]
    public async Task An_institution_id_belongs_to_one_community()
    {
        await County.DefineAsync(Grains);
        ICommunityGrain community = Grains.GetGrain<ICommunityGrain>(County.Id);
        await community.AddInstitutionAsync(new Institution("clinic-2", "Clinic 2", InstitutionLevel.Village, County.TownshipA));
        await Assert.ThrowsAsync<DefinitionConflictException>(() => community.AddInstitutionAsync(new Institution("clinic-2", "Again", InstitutionLevel.Village, County.TownshipA)));
        await Assert.ThrowsAsync<ArgumentException>(() => community.AddInstitutionAsync(new Institution("top", "Top", InstitutionLevel.County, null)));

        ICommunityGrain other = Grains.GetGrain<ICommunityGrain>("other-" + County.Id);
        await other.DefineInstitutionAsync(new Institution("other-county", "Other", InstitutionLevel.County, null));
        await Assert.ThrowsAsync<DefinitionConflictException>(() => other.AddInstitutionAsync(new Institution("clinic-2", "Stolen", InstitutionLevel.Village, "other-county")));
        // Defined directly, the id is refused by the institution's registration before the other community records it.
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => other.DefineInstitutionAsync(new Institution("clinic-2", "Stolen", InstitutionLevel.Village, "other-county")));
        Assert.DoesNotContain("clinic-2", (await other.GetInstitutionsAsync()).Select(i => i.Id));
        Assert.Equal(County.Id, (await Grains.GetGrain<IInstitutionGrain>("clinic-2").GetAsync())!.CommunityId);
    }
}
