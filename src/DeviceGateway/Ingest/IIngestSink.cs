namespace Telemed.DeviceGateway.Ingest;

/// <summary>
/// Where ingested objects go next: the case-workflow grains in the host, a log until they exist. The gateway delivers
/// through its ingest outbox (<see cref="IngestEventDispatcher"/>), at least once: an implementation must treat the
/// same object (SOP Instance UID and blob hash) again as already done. Throwing <see cref="ArgumentException"/> says
/// the event itself cannot be taken (it is parked after a few tries); anything else is retried.
/// </summary>
public interface IIngestSink
{
    ValueTask PublishAsync(IngestedObject ingested, CancellationToken cancellationToken);
}
