using Telemed.Grains.Communities;

namespace Telemed.Grains.Readers;

[GenerateSerializer, Immutable]
public sealed record ReaderStatus(
    string ReaderId,
    string? CommunityId,
    string Name,
    IReadOnlyList<Specialty> Specialties,
    bool OnDuty,
    Presence Presence,
    int OpenCases);
