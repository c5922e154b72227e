using System.Collections.Concurrent;
using Telemed.DeviceGateway.Ingest;

namespace Telemed.DeviceGateway.Tests.Support;

/// <summary>
/// A sink that refuses what <c>refuse</c> names (the exception it returns is thrown) and keeps the rest: the case
/// workflow down, or refusing one object, as the dispatcher meets it.
/// </summary>
internal sealed class ScriptedSink(Func<IngestedObject, Exception?> refuse) : IIngestSink
{
    public ConcurrentQueue<IngestedObject> Published { get; } = new();

    public ConcurrentQueue<IngestedObject> Refused { get; } = new();

    public static ScriptedSink Down() => new(_ => new InvalidOperationException("the case workflow is not reachable"));

    public ValueTask PublishAsync(IngestedObject ingested, CancellationToken cancellationToken)
    {
        if (refuse(ingested) is { } error)
        {
            Refused.Enqueue(ingested);
            return ValueTask.FromException(error);
        }

        Published.Enqueue(ingested);
        return ValueTask.CompletedTask;
    }
}
