using Telemed.Grains.Communities;
using Telemed.Grains.Readers;

namespace Telemed.CaseLoad;

/// <summary>
/// One county community for the load: a county hospital over three township centres, <c>readers</c> cardiologists
/// on duty. Readers never accept in the benchmark, so the open-case limit is lifted and the accept timeout set beyond
/// the run: otherwise routing would (rightly) hold cases back or move them, and "assigned" would not be one event.
/// </summary>
internal sealed class BenchCommunity
{
    private BenchCommunity(string id, string[] institutions, string[] readers)
    {
        Id = id;
        Institutions = institutions;
        Readers = readers;
    }

    public string Id { get; }

    /// <summary>Where cases come from (the townships).</summary>
    public IReadOnlyList<string> Institutions { get; }

    public IReadOnlyList<string> Readers { get; }

    public static async Task<BenchCommunity> DefineAsync(IGrainFactory grains, string id, int readers)
    {
        ICommunityGrain community = grains.GetGrain<ICommunityGrain>(id);
        string hospital = $"{id}-hospital";
        await community.DefineInstitutionAsync(new Institution(hospital, $"{id} county hospital", InstitutionLevel.County, null));
        string[] townships = [.. Enumerable.Range(1, 3).Select(t => $"{id}-township-{t}")];
        foreach (string township in townships)
        {
            await community.DefineInstitutionAsync(new Institution(township, township, InstitutionLevel.Township, hospital));
        }

        await community.DefineDepartmentAsync(new Department($"{id}-cardiology", hospital, "Cardiology", Specialty.Cardiology, null));
        string[] cardiologists = [.. Enumerable.Range(1, readers).Select(r => $"{id}-card-{r}")];
        foreach (string reader in cardiologists)
        {
            await community.EnrolReaderAsync(new ReaderEnrolment(reader, reader, hospital, [Specialty.Cardiology]));
        }

        await community.ConfigureAsync(CommunitySettings.Default with
        {
            MaxOpenCasesPerReader = int.MaxValue,
            AcceptTimeout = TimeSpan.FromDays(1),
        });
        await Task.WhenAll(cardiologists.Select(r => grains.GetGrain<IReaderGrain>(r).StartDutyAsync()));
        return new BenchCommunity(id, townships, cardiologists);
    }

    /// <summary>Cases on all readers' worklists, as the reader grains count them.</summary>
    public async Task<int> OpenCasesAsync(IGrainFactory grains) =>
        (await Task.WhenAll(Readers.Select(r => grains.GetGrain<IReaderGrain>(r).GetStatusAsync()))).Sum(s => s.OpenCases);
}
