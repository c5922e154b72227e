using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Telemed.ConsultHub.Live.Consults;
using Telemed.DeviceGateway.EcgStreams.Live;

namespace Telemed.ConsultHub.Live.Ecg;

/// <summary>
/// The gateway's live ECG observer in the host: each device stream is linked to its case (<see cref="EcgStreamCaseLinker"/>)
/// when it starts, its raw samples are converted to µV and batched (<see cref="MaxBatchDelay"/> or
/// <see cref="MaxBatchDuration"/> of signal, whichever comes first), and every batch goes, in order, to the case's
/// ECG group on /hubs/consult. In the cluster profile that group spans the nodes through the SignalR Redis backplane,
/// so a viewer on any node sees a device streaming to any node. The gateway knows nothing of this: it only calls
/// <see cref="IEcgLiveObserver"/>.
/// </summary>
public sealed partial class EcgLiveRelay : IEcgLiveObserver, IDisposable
{
    /// <summary>Longest a sample waits for its batch: a viewer sees it at most this much later than a sample-by-sample push would show it.</summary>
    public static readonly TimeSpan MaxBatchDelay = TimeSpan.FromMilliseconds(40);

    /// <summary>A batch is sent as soon as it holds this much signal (20 frames at 500 Hz), without waiting for the delay.</summary>
    public static readonly TimeSpan MaxBatchDuration = TimeSpan.FromMilliseconds(40);

    /// <summary>A stream whose device went away is forgotten after this long; a reconnect within it continues its batch numbers.</summary>
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(10);

    /// <summary>Longest the device's HELLO-ACK waits for the case lookup.</summary>
    private static readonly TimeSpan LinkTimeout = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<Guid, EcgRelayStream> streams = new();
    private readonly Timer sweeper;

    public EcgLiveRelay(IHubContext<ConsultSessionHub, IConsultClient> hub, EcgStreamCaseLinker linker, ILogger<EcgLiveRelay> logger)
    {
        Hub = hub;
        Linker = linker;
        Logger = logger;
        sweeper = new Timer(static s => ((EcgLiveRelay)s!).Sweep(), this, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    }

    internal IHubContext<ConsultSessionHub, IConsultClient> Hub { get; }

    internal EcgStreamCaseLinker Linker { get; }

    internal ILogger Logger { get; }

    /// <summary>The SignalR group of a case's live ECG viewers.</summary>
    public static string Group(Guid caseId) => "ecg:" + caseId.ToString("N");

    /// <summary>The case a stream is shown in, if it is linked (for tests and diagnostics).</summary>
    public Guid? CaseOf(Guid recordingId) => streams.TryGetValue(recordingId, out EcgRelayStream? stream) ? stream.CaseId : null;

    /// <summary>The relay holds this stream (connected, or waiting for its device to reconnect).</summary>
    public bool IsStreaming(Guid recordingId) => streams.ContainsKey(recordingId);

    public async ValueTask OnStreamStartedAsync(EcgLiveStream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        EcgRelayStream relay = streams.GetOrAdd(stream.RecordingId, static (_, s) => new EcgRelayStream(s.Relay, s.Stream), (Relay: this, Stream: stream));
        relay.Connected();
        if (relay.CaseId is null)
        {
            // Before HELLO-ACK, so the first sample already has its case: one indexed query per connection. The device
            // waits meanwhile, so a slow catalog only delays the link (the stream asks again with later samples).
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(LinkTimeout);
            try
            {
                await relay.LinkAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                LogLinkSlow(Logger, stream.RecordingId, LinkTimeout.TotalMilliseconds);
            }
        }
    }

    public void OnSamples(Guid recordingId, long firstSample, ReadOnlySpan<short> interleavedAdu)
    {
        if (streams.TryGetValue(recordingId, out EcgRelayStream? stream))
        {
            stream.Append(firstSample, interleavedAdu);
        }
    }

    public void OnRhythm(EcgLiveRhythm rhythm)
    {
        ArgumentNullException.ThrowIfNull(rhythm);
        if (streams.TryGetValue(rhythm.RecordingId, out EcgRelayStream? stream))
        {
            stream.AddRhythm(rhythm);
        }
    }

    public void OnFilteredSamples(Guid recordingId, long firstSample, int leadCount, ReadOnlySpan<float> interleavedMillivolts)
    {
        // Viewers get the samples as sent (µV) and filter for display themselves.
    }

    public void OnStreamEnded(Guid recordingId, bool finished)
    {
        if (!streams.TryGetValue(recordingId, out EcgRelayStream? stream))
        {
            return;
        }

        stream.Disconnected(finished);
        if (finished)
        {
            streams.TryRemove(new KeyValuePair<Guid, EcgRelayStream>(recordingId, stream));
        }
    }

    public void Dispose()
    {
        sweeper.Dispose();
        foreach (EcgRelayStream stream in streams.Values)
        {
            stream.Disconnected(done: true);
        }

        streams.Clear();
    }

    private void Sweep()
    {
        foreach ((Guid id, EcgRelayStream stream) in streams)
        {
            if (stream.IdleFor(ForgetAfter))
            {
                stream.Disconnected(done: true);
                streams.TryRemove(new KeyValuePair<Guid, EcgRelayStream>(id, stream));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "live ECG {RecordingId} from device {DeviceId} is shown in case {CaseId}")]
    internal static partial void LogLinked(ILogger logger, Guid recordingId, string deviceId, Guid caseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "live ECG {RecordingId}: finding its case took over {Milliseconds} ms; trying again with later samples")]
    private static partial void LogLinkSlow(ILogger logger, Guid recordingId, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "live ECG {RecordingId}: finding its case failed; trying again with later samples")]
    internal static partial void LogLinkFailed(ILogger logger, Exception exception, Guid recordingId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "live ECG {RecordingId}: a batch for case {CaseId} could not be pushed")]
    internal static partial void LogPushFailed(ILogger logger, Exception exception, Guid recordingId, Guid caseId);
}
