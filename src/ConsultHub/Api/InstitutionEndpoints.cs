using Telemed.ConsultHub.Auth;
using Telemed.Grains.Communities;

namespace Telemed.ConsultHub.Api;

/// <summary>The institutions directory: staff see their own institution, everyone else their community's tree.</summary>
internal static class InstitutionEndpoints
{
    public static void MapInstitutions(this IEndpointRouteBuilder api)
    {
        RouteGroupBuilder institutions = api.MapGroup("/institutions").WithTags("Institutions");
        institutions.MapGet("/", ListAsync).WithSummary("Institutions the caller may see (default: the caller's community)");
        institutions.MapGet("/{id}", GetAsync);
    }

    private static async Task<IResult> ListAsync(string? community, HttpContext http, IGrainFactory grains)
    {
        AccessScope scope = http.Scope();
        string communityId = community ?? scope.Caller.CommunityId;
        if (communityId != scope.Caller.CommunityId)
        {
            return Results.Forbid();
        }

        IReadOnlyList<Institution> all = await grains.GetGrain<ICommunityGrain>(communityId).GetInstitutionsAsync();
        IEnumerable<Institution> visible = scope.CanSeeCommunity(communityId) ? all : all.Where(i => i.Id == scope.Caller.InstitutionId);
        return Results.Ok(visible.Select(i => InstitutionView.From(communityId, i)));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, IGrainFactory grains)
    {
        AccessScope scope = http.Scope();
        if (!await scope.CanSeeInstitutionAsync(id))
        {
            return Results.Forbid();
        }

        InstitutionRecord? record = await grains.GetGrain<IInstitutionGrain>(id).GetAsync();
        return record is null ? Results.Problem(statusCode: 404, title: $"no institution {id}") : Results.Ok(InstitutionView.From(record.CommunityId, record.Institution));
    }
}

internal sealed record InstitutionView(string Id, string CommunityId, string Name, InstitutionLevel Level, string? ParentId)
{
    public static InstitutionView From(string communityId, Institution institution) =>
        new(institution.Id, communityId, institution.Name, institution.Level, institution.ParentId);
}
