namespace Telemed.Grains.Communities;

/// <summary>A hospital, health centre or clinic of a community; the county hospital has no parent.</summary>
[GenerateSerializer, Immutable]
public sealed record Institution(string Id, string Name, InstitutionLevel Level, string? ParentId);
