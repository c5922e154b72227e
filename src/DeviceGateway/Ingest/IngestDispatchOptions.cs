namespace Telemed.DeviceGateway.Ingest;

/// <summary>How <see cref="IngestEventDispatcher"/> retries announcements the sink did not take.</summary>
public sealed record IngestDispatchOptions
{
    /// <summary>Wait after the first failure; doubled after each further one up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Refusals of the event itself (<see cref="ArgumentException"/>, e.g. no institution; an unreadable payload)
    /// are tried this often, then parked with their error. Other failures (the grains unreachable) retry without limit.
    /// </summary>
    public int PoisonAttempts { get; init; } = 3;

    /// <summary>
    /// How long a freshly queued event is left to the delivery attempt made right after its commit before the retry
    /// loop may take it: the loop must not announce an object a second time while the first attempt is still running.
    /// </summary>
    public TimeSpan FirstAttemptGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The retry loop looks at the outbox at least this often (other gateways on a shared catalog queue too).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(15);
}
