namespace Telemed.Grains.Cases;

/// <summary>
/// Where the case grain publishes its current state for queries (case lists, dashboards, worklists): the host puts it in
/// the catalog. The grain's own state stays the truth; an entry with a lower <see cref="CaseIndexEntry.Revision"/> than
/// the stored one is ignored, so writes may repeat or arrive late (the grain re-writes its entry on activation to
/// catch up after a crash between its state write and this one).
/// </summary>
public interface ICaseIndex
{
    Task WriteAsync(CaseIndexEntry entry);
}
