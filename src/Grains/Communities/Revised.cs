namespace Telemed.Grains.Communities;

/// <summary>
/// A value with the revision its owner grain gave it: every change advances the revision, so the API can hand it out
/// as an entity tag and a change can name the revision it was made against.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Revised<T>(T Value, int Revision);
