using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Grains.Readers;

namespace Telemed.Grains.Tests;

/// <summary>
/// The test community: a county hospital over two township centres and a village clinic; three cardiologists, a
/// radiologist and the cardiology department head (not on duty unless a test says so). Optionally a city community
/// above it with one cardiologist, for overflow and second opinions.
/// </summary>
internal static class County
{
    public const string Id = "county-1";
    public const string City = "city-1";
    public const string Hospital = "county-hospital";
    public const string TownshipA = "township-a";
    public const string TownshipB = "township-b";
    public const string Village = "village-a1";
    public const string CardiologyHead = "head-cardio";
    public const string CityCardiologist = "city-card";
    public static readonly string[] Cardiologists = ["card-a", "card-b", "card-c"];
    public const string Radiologist = "rad-a";

    public static async Task DefineAsync(IGrainFactory grains, CommunitySettings? settings = null, bool withCity = false)
    {
        ICommunityGrain community = grains.GetGrain<ICommunityGrain>(Id);
        await community.DefineInstitutionAsync(new Institution(Hospital, "County People's Hospital", InstitutionLevel.County, null));
        await community.DefineInstitutionAsync(new Institution(TownshipA, "Township A Health Centre", InstitutionLevel.Township, Hospital));
        await community.DefineInstitutionAsync(new Institution(TownshipB, "Township B Health Centre", InstitutionLevel.Township, Hospital));
        await community.DefineInstitutionAsync(new Institution(Village, "Village A1 Clinic", InstitutionLevel.Village, TownshipA));
        await community.DefineDepartmentAsync(new Department("cardiology", Hospital, "Cardiology", Specialty.Cardiology, CardiologyHead));
        await community.DefineDepartmentAsync(new Department("radiology", Hospital, "Radiology", Specialty.Radiology, null));
        foreach (string reader in Cardiologists.Append(CardiologyHead))
        {
            await community.EnrolReaderAsync(new ReaderEnrolment(reader, reader, Hospital, [Specialty.Cardiology]));
        }

        await community.EnrolReaderAsync(new ReaderEnrolment(Radiologist, Radiologist, Hospital, [Specialty.Radiology]));
        if (withCity)
        {
            ICommunityGrain city = grains.GetGrain<ICommunityGrain>(City);
            await city.DefineInstitutionAsync(new Institution("city-hospital", "City Central Hospital", InstitutionLevel.City, null));
            await city.EnrolReaderAsync(new ReaderEnrolment(CityCardiologist, CityCardiologist, "city-hospital", [Specialty.Cardiology]));
            settings = (settings ?? CommunitySettings.Default) with { UpperLevelCommunityId = City };
        }

        if (settings is not null)
        {
            await community.ConfigureAsync(settings);
        }
    }

    public static Task OnDutyAsync(IGrainFactory grains, params string[] readers) =>
        Task.WhenAll(readers.Select(r => grains.GetGrain<IReaderGrain>(r).StartDutyAsync()));

    public static async Task<Guid> OpenAsync(IGrainFactory grains, CasePriority priority, string? patientId = null,
        CaseKind kind = CaseKind.EcgRead, EcgFindings? ecg = null, string? question = null)
    {
        var caseId = Guid.NewGuid();
        await grains.GetGrain<ICaseGrain>(caseId).OpenAsync(new CaseRequest(
            Id, kind, priority, question ?? $"{priority} {kind} for reading", TownshipA, "staff-ta", patientId, ["1.2.826.0.1." + caseId.ToString("N")[..8]], Ecg: ecg));
        return caseId;
    }

    public static Task<CaseView> AssignedAsync(IGrainFactory grains, Guid caseId) =>
        Eventually.Until(() => grains.GetGrain<ICaseGrain>(caseId).GetAsync(), c => c.Status == CaseStatus.Assigned, $"case {caseId} to be assigned");
}
