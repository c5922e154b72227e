using Telemed.Grains.Communities;

namespace Telemed.Grains.Routing;

/// <summary>A routing pool's grain key: one pool per community and specialty.</summary>
public static class RoutingKey
{
    public static string For(string communityId, Specialty specialty) => $"{communityId}/{specialty}";

    public static (string CommunityId, Specialty Specialty) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int slash = key.LastIndexOf('/');
        return slash > 0 && Enum.TryParse(key[(slash + 1)..], out Specialty specialty)
            ? (key[..slash], specialty)
            : throw new ArgumentException($"'{key}' is not a routing key (community/Specialty)", nameof(key));
    }
}
