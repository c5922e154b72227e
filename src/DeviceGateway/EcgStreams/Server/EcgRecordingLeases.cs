namespace Telemed.DeviceGateway.EcgStreams.Server;

/// <summary>
/// One connection at a time per recording. A device on a weak link often reconnects before the server has noticed that
/// the old connection died; the new connection then takes the recording over: the old session is told to stop, writes
/// and fsyncs what it has, and lets go.
/// </summary>
internal sealed class EcgRecordingLeases
{
    private readonly Dictionary<Guid, Lease> _held = [];
    private readonly Lock _lock = new();

    public async Task<Lease> AcquireAsync(Guid recordingId, Action supersede, TimeSpan takeoverTimeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            Lease? current;
            lock (_lock)
            {
                if (!_held.TryGetValue(recordingId, out current))
                {
                    var lease = new Lease(this, recordingId, supersede);
                    _held[recordingId] = lease;
                    return lease;
                }
            }

            current.Supersede();
            await current.Released.WaitAsync(takeoverTimeout, cancellationToken).ConfigureAwait(false);
        }
    }

    internal sealed class Lease(EcgRecordingLeases owner, Guid recordingId, Action supersede) : IDisposable
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Released => _released.Task;

        public void Supersede() => supersede();

        public void Dispose()
        {
            lock (owner._lock)
            {
                if (owner._held.TryGetValue(recordingId, out var held) && held == this)
                {
                    owner._held.Remove(recordingId);
                }
            }

            _released.TrySetResult();
        }
    }
}
