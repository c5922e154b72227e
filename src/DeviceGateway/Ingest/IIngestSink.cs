namespace Telemed.DeviceGateway.Ingest;

/// <summary>Where ingested objects go next: the case-workflow grains in the host, a log until they exist.</summary>
public interface IIngestSink
{
    ValueTask PublishAsync(IngestedObject ingested, CancellationToken cancellationToken);
}
