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
}
