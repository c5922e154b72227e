using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Communities;
using Telemed.Grains.Readers;
using Telemed.Storage.Accounts;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>
/// A community of its own on the shared hub, so routing in one test cannot hand its cases to another test's reader:
/// a county hospital with one cardiologist on duty (and one off duty), a township centre and a village clinic with
/// their staff, and an auditor.
/// </summary>
internal sealed class WorkflowCommunity
{
    private readonly ApiHost host;
    private readonly Dictionary<string, string> tokens = [];

    private WorkflowCommunity(ApiHost host, string id)
    {
        this.host = host;
        Id = id;
    }

    public string Id { get; }

    public string County => Id + "-county";

    public string Town => Id + "-town";

    public string Village => Id + "-village";

    public string Cardiologist => Id + "-card";

    /// <summary>Enrolled but not on duty: routing never gives them a case.</summary>
    public string OffDutyCardiologist => Id + "-card2";

    /// <summary>Enrolled, not on duty.</summary>
    public string ThirdCardiologist => Id + "-card3";

    public string Admin => Id + "-admin";

    public string TownStaff => Id + "-staff";

    public string VillageDoctor => Id + "-doctor";

    public string Auditor => Id + "-auditor";

    /// <summary>The on-duty cardiologist's display name: Chinese, to see it printed as UTF-8.</summary>
    public const string CardiologistName = "王医生 Dr Wang";

    public static async Task<WorkflowCommunity> CreateAsync(ApiHost host)
    {
        var community = new WorkflowCommunity(host, "wf" + Guid.NewGuid().ToString("N")[..10]);
        await community.DefineAsync();
        return community;
    }

    private async Task DefineAsync()
    {
        IGrainFactory grains = host.Services.GetRequiredService<IGrainFactory>();
        ICommunityGrain community = grains.GetGrain<ICommunityGrain>(Id);
        await community.DefineInstitutionAsync(new Institution(County, "县医院 County Hospital", InstitutionLevel.County, null));
        await community.DefineInstitutionAsync(new Institution(Town, "东村镇卫生院 Dongcun Township Centre", InstitutionLevel.Township, County));
        await community.DefineInstitutionAsync(new Institution(Village, "Village Clinic", InstitutionLevel.Village, Town));
        await community.EnrolReaderAsync(new ReaderEnrolment(Cardiologist, CardiologistName, County, [Specialty.Cardiology]));
        await community.EnrolReaderAsync(new ReaderEnrolment(OffDutyCardiologist, "Dr Off", County, [Specialty.Cardiology]));
        await community.EnrolReaderAsync(new ReaderEnrolment(ThirdCardiologist, "Dr Third", County, [Specialty.Cardiology]));
        await grains.GetGrain<IReaderGrain>(Cardiologist).StartDutyAsync();

        UserDirectory users = host.Services.GetRequiredService<UserDirectory>();
        foreach ((string id, string name, UserRole role, string institution) in new[]
        {
            (Cardiologist, CardiologistName, UserRole.Cardiologist, County),
            (OffDutyCardiologist, "Dr Off", UserRole.Cardiologist, County),
            (ThirdCardiologist, "Dr Third", UserRole.Cardiologist, County),
            (Admin, "Admin", UserRole.CommunityAdmin, County),
            (TownStaff, "孙护士 Nurse Sun", UserRole.TownshipStaff, Town),
            (VillageDoctor, "Village doctor", UserRole.VillageDoctor, Village),
            (Auditor, "Auditor", UserRole.Auditor, County),
        })
        {
            Assert.True(await users.CreateAsync(new NewUser(id, name, role, Id, institution, ApiHost.Password)));
            tokens[id] = (await users.IssueTokenAsync(id, "tests", id)).Secret;
        }
    }

    /// <summary>The user's bearer token (for hub connections).</summary>
    public string TokenOf(string userId) => tokens[userId];

    public HttpClient ClientAs(string userId)
    {
        HttpClient client = host.CreateClient(new() { HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens[userId]);
        return client;
    }
}
