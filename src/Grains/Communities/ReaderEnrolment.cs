namespace Telemed.Grains.Communities;

/// <summary>A reader (cardiologist, radiologist…) of the community, at an institution, with what they read.</summary>
[GenerateSerializer, Immutable]
public sealed record ReaderEnrolment(string ReaderId, string Name, string InstitutionId, IReadOnlyList<Specialty> Specialties);
