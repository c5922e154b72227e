namespace Telemed.Grains.Readers;

/// <summary>Whether the reader is connected right now (set by the host from their sessions).</summary>
public enum Presence
{
    Offline,
    Online,
    Away,
}
