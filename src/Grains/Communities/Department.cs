namespace Telemed.Grains.Communities;

/// <summary>A department of an institution; its head is told when a case of its specialty breaches its SLA.</summary>
[GenerateSerializer, Immutable]
public sealed record Department(string Id, string InstitutionId, string Name, Specialty Specialty, string? HeadReaderId);
