using System.Collections.Concurrent;
using System.Diagnostics;
using Telemed.Grains.Cases;
using Telemed.Grains.Events;

namespace Telemed.CaseLoad;

/// <summary>
/// Hears the communities' feeds as the hub's push hub does and notes when each case was first seen Assigned. The case
/// publishes that CaseChanged after its state and its case_records row (which is what the reader's worklist is read
/// from) committed, so the moment is at or just after "on a reader's worklist".
/// </summary>
internal sealed class AssignmentWatch : ICommunityObserver
{
    private readonly ConcurrentDictionary<Guid, long> assigned = new();
    private int count;

    public int Count => Volatile.Read(ref count);

    /// <summary>Stopwatch timestamps of the first Assigned event per case.</summary>
    public IReadOnlyDictionary<Guid, long> Assigned => assigned;

    public Task OnEventAsync(CommunityEvent communityEvent)
    {
        if (communityEvent is CaseChanged { Status: CaseStatus.Assigned } changed
            && assigned.TryAdd(changed.CaseId, Stopwatch.GetTimestamp()))
        {
            Interlocked.Increment(ref count);
        }

        return Task.CompletedTask;
    }
}
