namespace Telemed.Grains.Communities;

/// <summary>
/// One institution, keyed by its id: tells ingest and referrals which community an institution belongs to without
/// asking every community.
/// </summary>
public interface IInstitutionGrain : IGrainWithStringKey
{
    Task RegisterAsync(InstitutionRecord record);

    Task<InstitutionRecord?> GetAsync();
}
