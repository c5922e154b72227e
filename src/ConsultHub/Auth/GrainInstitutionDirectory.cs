using Telemed.Grains.Communities;

namespace Telemed.ConsultHub.Auth;

/// <summary>Asks the institution grain, which the community grain registers each institution with.</summary>
internal sealed class GrainInstitutionDirectory(IGrainFactory grains) : IInstitutionDirectory
{
    public async Task<string?> CommunityOfAsync(string institutionId)
    {
        InstitutionRecord? record = await grains.GetGrain<IInstitutionGrain>(institutionId).GetAsync();
        return record?.CommunityId;
    }
}
