using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Telemed.Storage.Catalog;

namespace Telemed.DeviceGateway.Ingest;

/// <summary>
/// Hands "ingested" events from the outbox (<see cref="IngestOutbox"/>) to the sink, at least once. An event is tried
/// right after the commit that queued it (the case should open within milliseconds), deleted when the sink took it,
/// and otherwise kept: retried with backoff, or parked with its error when the sink refuses the event itself. At start
/// everything an earlier process left queued is delivered (crash recovery). The sink must therefore be idempotent
/// per object; the study grain is (same SOP Instance UID and blob hash: same case, nothing repeated).
/// As an <see cref="IIngestSink"/> itself it serves producers without a catalog transaction of their own (finished
/// ECG recordings): the event is queued durably before <see cref="PublishAsync"/> returns.
/// </summary>
public sealed partial class IngestEventDispatcher : IIngestSink, IAsyncDisposable
{
    /// <summary>How long delivered events wait to be deleted together.</summary>
    private static readonly TimeSpan DeleteDelay = TimeSpan.FromMilliseconds(100);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly IngestOutbox outbox;
    private readonly IIngestSink sink;
    private readonly ILogger logger;
    private readonly IngestDispatchOptions options;
    private readonly ConcurrentDictionary<long, byte> inFlight = new();
    private readonly ConcurrentDictionary<long, byte> delivered = new();
    private readonly SemaphoreSlim wake = new(0);
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<Task, byte> background = new();
    private Task? loop;

    public IngestEventDispatcher(IngestOutbox outbox, IIngestSink sink, ILogger<IngestEventDispatcher> logger, IngestDispatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(logger);
        this.outbox = outbox;
        this.sink = sink;
        this.logger = logger;
        this.options = options ?? new IngestDispatchOptions();
    }

    /// <summary>One outbox row per object version: kind, SOP Instance UID (when it has one) and blob hash.</summary>
    public static string KeyOf(IngestedObject ingested)
    {
        ArgumentNullException.ThrowIfNull(ingested);
        return $"{ingested.Kind}:{ingested.SopInstanceUid ?? "-"}:{ingested.BlobHash}";
    }

    /// <summary>The outbox row announcing <paramref name="ingested"/>, for the caller to commit with the object itself.</summary>
    public PendingIngestEvent ToPending(IngestedObject ingested)
    {
        DateTime now = DateTime.UtcNow;
        return new PendingIngestEvent
        {
            EventKey = KeyOf(ingested),
            Payload = JsonSerializer.Serialize(ingested, Json),
            CreatedAtUtc = now,
            NextAttemptAtUtc = now + options.FirstAttemptGrace,
        };
    }

    public static IngestedObject? FromPayload(string payload) => JsonSerializer.Deserialize<IngestedObject>(payload, Json);

    /// <summary>Queues the event durably (once per object version), then tries to deliver it. Throws only if it cannot be queued.</summary>
    public async ValueTask PublishAsync(IngestedObject ingested, CancellationToken cancellationToken)
    {
        PendingIngestEvent queued = await outbox.EnqueueAsync(ToPending(ingested), cancellationToken).ConfigureAwait(false);
        await DeliverAsync(queued, ingested, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts delivering a committed event without waiting for it: the device's acknowledgement needs the event durable,
    /// not delivered, and the case workflow's work (several grain state commits) must not sit between a C-STORE and
    /// its response. <see cref="StopAsync"/> waits for deliveries still running.
    /// </summary>
    public void DeliverSoon(PendingIngestEvent pending, IngestedObject ingested)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(ingested);
        Task delivery = Task.Run(() => DeliverAsync(pending, ingested, stopping.Token), CancellationToken.None);
        background.TryAdd(delivery, 0);
        _ = delivery.ContinueWith(static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _),
            background, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Tries to hand a committed event to the sink now. Never throws for the sink's failures: the event is durable, so a
    /// failure only leaves it queued for the retry loop.
    /// </summary>
    public async Task DeliverAsync(PendingIngestEvent pending, IngestedObject ingested, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(ingested);
        if (delivered.ContainsKey(pending.Id) || !inFlight.TryAdd(pending.Id, 0))
        {
            return; // already delivered, or being delivered, by this process
        }

        try
        {
            await sink.PublishAsync(ingested, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            inFlight.TryRemove(pending.Id, out _);
            return; // stopping: the row stays queued for the next start
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await FailedAsync(pending, e).ConfigureAwait(false);
            inFlight.TryRemove(pending.Id, out _);
            return;
        }

        if (loop is not null && !stopping.IsCancellationRequested)
        {
            // The row is deleted by the loop, batched with others: one catalog commit for many events, and none on
            // the way to the device's acknowledgement. A crash before that only means one more (harmless) delivery.
            delivered.TryAdd(pending.Id, 0);
            inFlight.TryRemove(pending.Id, out _);
            return;
        }

        try
        {
            await outbox.DeliveredAsync(pending.Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Delivered but still queued: it goes once more later, which the sink tolerates.
            LogNotDequeued(logger, pending.Id, pending.EventKey, e.Message);
        }
        finally
        {
            inFlight.TryRemove(pending.Id, out _);
        }
    }

    /// <summary>Deletes the rows of events delivered since the last call.</summary>
    private async Task FlushDeliveredAsync()
    {
        if (delivered.IsEmpty)
        {
            return;
        }

        long[] ids = [.. delivered.Keys];
        try
        {
            await outbox.DeliveredAsync(ids, CancellationToken.None).ConfigureAwait(false);
            foreach (long id in ids)
            {
                delivered.TryRemove(id, out _);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Kept in the set: tried again on the next pass, and not delivered again by this process meanwhile.
            LogNotDequeued(logger, ids[0], $"{ids.Length} delivered events", e.Message);
        }
    }

    /// <summary>Starts the retry loop; its first pass delivers everything left queued by an earlier process.</summary>
    public void Start()
    {
        if (loop is not null)
        {
            throw new InvalidOperationException("the dispatcher is already started");
        }

        loop = Task.Run(() => RunAsync(DateTime.UtcNow, stopping.Token));
    }

    public async Task StopAsync()
    {
        if (loop is null)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        await WhenBackgroundDeliveriesEnd().ConfigureAwait(false);
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopped
        }

        await FlushDeliveredAsync().ConfigureAwait(false);
    }

    /// <summary>Waits for the <see cref="DeliverSoon"/> deliveries running now.</summary>
    public Task WhenBackgroundDeliveriesEnd() => Task.WhenAll(background.Keys);

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        stopping.Dispose();
        wake.Dispose();
    }

    private async Task RunAsync(DateTime startedAtUtc, CancellationToken cancellationToken)
    {
        await RecoverAsync(startedAtUtc, cancellationToken).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await FlushDeliveredAsync().ConfigureAwait(false);
                DateTime? next = await outbox.NextDueAsync(cancellationToken).ConfigureAwait(false);
                TimeSpan longest = delivered.IsEmpty ? options.PollInterval : DeleteDelay;
                TimeSpan wait = next is null ? longest : next.Value - DateTime.UtcNow;
                wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > longest ? longest : wait;
                if (wait > TimeSpan.Zero)
                {
                    // With deliveries to delete the pause is short: it gathers them into one commit.
                    await wake.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
                }

                await FlushDeliveredAsync().ConfigureAwait(false);
                foreach (PendingIngestEvent pending in await outbox.DueAsync(DateTime.UtcNow, 100, cancellationToken).ConfigureAwait(false))
                {
                    await DeliverQueuedAsync(pending, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The catalog itself failed (disk, server): wait and look again; the rows are safe where they are.
                LogLoopFailed(logger, e.Message);
                await Task.Delay(options.RetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Every unparked event queued before this process started, whatever its backoff: nothing else is delivering it.</summary>
    private async Task RecoverAsync(DateTime startedAtUtc, CancellationToken cancellationToken)
    {
        long after = 0;
        int recovered = 0;
        while (true)
        {
            IReadOnlyList<PendingIngestEvent> page;
            try
            {
                page = await outbox.UnparkedAsync(after, 100, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogLoopFailed(logger, e.Message);
                return; // the loop retries them as they come due
            }

            foreach (PendingIngestEvent pending in page.Where(p => p.CreatedAtUtc < startedAtUtc))
            {
                await DeliverQueuedAsync(pending, cancellationToken).ConfigureAwait(false);
                recovered++;
            }

            await FlushDeliveredAsync().ConfigureAwait(false);
            if (page.Count == 0 || page[^1].CreatedAtUtc >= startedAtUtc)
            {
                break;
            }

            after = page[^1].Id;
        }

        if (recovered > 0)
        {
            LogRecovered(logger, recovered);
        }
    }

    private async Task DeliverQueuedAsync(PendingIngestEvent pending, CancellationToken cancellationToken)
    {
        IngestedObject? ingested;
        try
        {
            ingested = FromPayload(pending.Payload);
        }
        catch (JsonException e)
        {
            await FailedAsync(pending, e).ConfigureAwait(false);
            return;
        }

        if (ingested is null)
        {
            await FailedAsync(pending, new JsonException("empty payload")).ConfigureAwait(false);
            return;
        }

        await DeliverAsync(pending, ingested, cancellationToken).ConfigureAwait(false);
    }

    private async Task FailedAsync(PendingIngestEvent pending, Exception error)
    {
        int attempts = pending.Attempts + 1;
        bool poison = error is ArgumentException or JsonException;
        bool park = poison && attempts >= options.PoisonAttempts;
        double factor = Math.Pow(2, Math.Min(attempts - 1, 20));
        TimeSpan delay = TimeSpan.FromTicks((long)Math.Min(options.RetryDelay.Ticks * factor, options.MaxRetryDelay.Ticks));
        string text = $"{error.GetType().Name}: {error.Message}";
        try
        {
            await outbox.FailedAsync(pending.Id, text, DateTime.UtcNow + delay, park, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogNotRecorded(logger, pending.Id, pending.EventKey, e.Message);
        }

        if (park)
        {
            LogParked(logger, pending.Id, pending.EventKey, attempts, text);
        }
        else
        {
            LogRetrying(logger, pending.Id, pending.EventKey, attempts, delay, text);
        }

        if (wake.CurrentCount == 0)
        {
            wake.Release(); // the loop recomputes when to look next
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ingest event {Id} ({Key}) not delivered (attempt {Attempts}), retry in {Delay}: {Error}")]
    private static partial void LogRetrying(ILogger logger, long id, string key, int attempts, TimeSpan delay, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "ingest event {Id} ({Key}) parked after {Attempts} refusals; no case will open for it until it is unparked: {Error}")]
    private static partial void LogParked(ILogger logger, long id, string key, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ingest event {Id} ({Key}) was delivered but could not be removed from the outbox; it will be delivered again: {Error}")]
    private static partial void LogNotDequeued(ILogger logger, long id, string key, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "ingest event {Id} ({Key}): its failed delivery could not be recorded: {Error}")]
    private static partial void LogNotRecorded(ILogger logger, long id, string key, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ingest outbox unavailable: {Error}")]
    private static partial void LogLoopFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "delivered {Count} ingest events left queued by an earlier run")]
    private static partial void LogRecovered(ILogger logger, int count);
}
