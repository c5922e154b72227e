namespace Telemed.ConsultHub.Auth;

/// <summary>Which community an institution belongs to: what scope checks need to tell "own community" apart.</summary>
public interface IInstitutionDirectory
{
    /// <summary>The institution's community, or null when no community defines the institution.</summary>
    Task<string?> CommunityOfAsync(string institutionId);
}
