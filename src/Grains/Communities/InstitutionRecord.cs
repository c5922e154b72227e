namespace Telemed.Grains.Communities;

/// <summary>An institution with the community it belongs to.</summary>
[GenerateSerializer, Immutable]
public sealed record InstitutionRecord(string CommunityId, Institution Institution);
