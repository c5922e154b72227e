using System.Collections.Concurrent;
using Telemed.DeviceGateway.Ingest;

namespace Telemed.DeviceGateway.Tests.Support;

/// <summary>Keeps every ingested object, as the case workflow would receive them.</summary>
internal sealed class CollectingSink : IIngestSink
{
    public ConcurrentQueue<IngestedObject> Published { get; } = new();

    public ValueTask PublishAsync(IngestedObject ingested, CancellationToken cancellationToken)
    {
        Published.Enqueue(ingested);
        return ValueTask.CompletedTask;
    }
}
