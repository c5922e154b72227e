using System.Diagnostics;
using System.Threading.Channels;
using Telemed.DeviceGateway.EcgStreams.Live;

namespace Telemed.ConsultHub.Live.Ecg;

/// <summary>
/// One device stream in <see cref="EcgLiveRelay"/>: samples are converted into per-lead µV buffers that live as long as
/// the stream (nothing is allocated per block; a batch allocates its own arrays once, as SignalR serializes it later),
/// and batches leave through a bounded queue that one task drains in order, so the device's task never waits for a
/// viewer. A queue that fills up (a stalled backplane) drops its oldest batches: a live view wants the present.
/// </summary>
/// <remarks>
/// Batch numbers start at the stream's resume point in samples: every batch but a final beats-only one carries at
/// least one sample, so a stream picked up by a fresh relay (another node, a restarted hub) keeps numbering upwards.
/// </remarks>
internal sealed class EcgRelayStream : IDisposable
{
    private const int QueueCapacity = 256;

    /// <summary>Re-asks for the case this often while a stream has none (the township may open it after the cart started).</summary>
    private static readonly TimeSpan RelinkEvery = TimeSpan.FromSeconds(2);

    private readonly EcgLiveRelay relay;
    private readonly EcgLiveStream stream;
    private readonly string streamId;
    private readonly string[] leadNames;
    private readonly double[] microvoltsPerAdu;
    private readonly int[] baselines;
    private readonly int flushFrames;
    private readonly Lock gate = new();
    private readonly List<EcgLiveBeat> beats = [];
    private readonly Channel<EcgLiveBatch> queue;
    private readonly Timer flushTimer;
    private int[][] pending;
    private int pendingFrames;
    private long pendingFirst;
    private long pendingSince;
    private long nextSample;
    private bool timerArmed;
    private double? heartRate;
    private long sequence;
    private CaseLink? link;
    private int linking;
    private long nextRelink;
    private long idleSince;
    private bool connected;
    private bool finished;

    public EcgRelayStream(EcgLiveRelay relay, EcgLiveStream stream)
    {
        this.relay = relay;
        this.stream = stream;
        streamId = stream.RecordingId.ToString("N");
        int leads = stream.Leads.Count;
        leadNames = [.. stream.Leads.Select(l => l.Label)];
        microvoltsPerAdu = [.. stream.Leads.Select(l => 1000.0 / l.AduPerMillivolt)];
        baselines = [.. stream.Leads.Select(l => (int)l.Baseline)];
        flushFrames = Math.Max(1, (int)(stream.SamplingRateHz * EcgLiveRelay.MaxBatchDuration.TotalSeconds));
        // Room for a batch and a tenth of a second more: the usual device block fits without a flush in between.
        int capacity = flushFrames + Math.Max(1, stream.SamplingRateHz / 10);
        pending = new int[leads][];
        for (int l = 0; l < leads; l++)
        {
            pending[l] = new int[capacity];
        }

        sequence = stream.NextSample;
        nextSample = stream.NextSample;
        queue = Channel.CreateBounded<EcgLiveBatch>(new BoundedChannelOptions(QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        flushTimer = new Timer(static s => ((EcgRelayStream)s!).OnFlushTimer(), this, Timeout.Infinite, Timeout.Infinite);
        _ = Task.Run(SendAsync);
    }

    public Guid? CaseId => Volatile.Read(ref link)?.CaseId;

    public void Connected()
    {
        lock (gate)
        {
            connected = true;
        }
    }

    /// <summary>The connection ended: whatever is pending goes out now; after BYE the stream is done.</summary>
    public void Disconnected(bool done)
    {
        lock (gate)
        {
            FlushLocked();
            connected = false;
            idleSince = Stopwatch.GetTimestamp();
            if (done && !finished)
            {
                finished = true;
                flushTimer.Dispose();
                queue.Writer.TryComplete();
            }
        }
    }

    /// <summary>Ends the stream as BYE does (the relay is going away).</summary>
    public void Dispose() => Disconnected(done: true);

    public bool IdleFor(TimeSpan span)
    {
        lock (gate)
        {
            return !connected && Stopwatch.GetElapsedTime(idleSince) > span;
        }
    }

    public async Task LinkAsync(CancellationToken cancellationToken)
    {
        try
        {
            Guid? found = await relay.Linker.FindCaseAsync(stream.InstitutionId, stream.PatientId, cancellationToken).ConfigureAwait(false);
            if (found is { } id && Interlocked.CompareExchange(ref link, new CaseLink(id), null) is null)
            {
                EcgLiveRelay.LogLinked(relay.Logger, stream.RecordingId, stream.DeviceId, id);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            EcgLiveRelay.LogLinkFailed(relay.Logger, e, stream.RecordingId);
        }
    }

    /// <summary>The per-block path: one pass converting ADC units to µV into the lead buffers; a send only when a batch is full.</summary>
    public void Append(long firstSample, ReadOnlySpan<short> interleaved)
    {
        int leads = leadNames.Length;
        int frames = interleaved.Length / leads;
        if (CaseId is null)
        {
            // Nobody can watch an unlinked stream: nothing is kept, and the case is asked for again now and then.
            Volatile.Write(ref nextSample, firstSample + frames);
            RelinkLater();
            return;
        }

        lock (gate)
        {
            if (pendingFrames > 0 && (firstSample != pendingFirst + pendingFrames || pendingFrames + frames > pending[0].Length))
            {
                FlushLocked();
            }

            if (frames > pending[0].Length)
            {
                for (int l = 0; l < leads; l++)
                {
                    pending[l] = new int[frames];
                }
            }

            if (pendingFrames == 0)
            {
                pendingFirst = firstSample;
                pendingSince = Stopwatch.GetTimestamp();
            }

            for (int l = 0; l < leads; l++)
            {
                Span<int> target = pending[l].AsSpan(pendingFrames, frames);
                double scale = microvoltsPerAdu[l];
                int baseline = baselines[l];
                for (int f = 0, k = l; f < target.Length; f++, k += leads)
                {
                    target[f] = (int)Math.Round((interleaved[k] - baseline) * scale, MidpointRounding.AwayFromZero);
                }
            }

            pendingFrames += frames;
            nextSample = firstSample + frames;
            if (pendingFrames >= flushFrames)
            {
                FlushLocked();
            }
            else if (!timerArmed)
            {
                TimeSpan wait = EcgLiveRelay.MaxBatchDelay - Stopwatch.GetElapsedTime(pendingSince);
                flushTimer.Change(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                timerArmed = true;
            }
        }
    }

    /// <summary>New beats go with the next batch (the detector confirms them late anyway); the rate is the latest.</summary>
    public void AddRhythm(EcgLiveRhythm rhythm)
    {
        if (CaseId is null)
        {
            return;
        }

        lock (gate)
        {
            foreach (var beat in rhythm.NewBeats)
            {
                beats.Add(new EcgLiveBeat(beat.Sample, EcgLiveBeat.Unclassified));
            }

            heartRate = rhythm.HeartRateBpm;
        }
    }

    private void OnFlushTimer()
    {
        lock (gate)
        {
            timerArmed = false;
            if (!finished)
            {
                FlushLocked();
            }
        }
    }

    private void FlushLocked()
    {
        if (timerArmed)
        {
            flushTimer.Change(Timeout.Infinite, Timeout.Infinite);
            timerArmed = false;
        }

        if ((pendingFrames == 0 && beats.Count == 0) || CaseId is not { } id || finished)
        {
            return;
        }

        int leads = leadNames.Length;
        int[][] samples = new int[leads][];
        for (int l = 0; l < leads; l++)
        {
            samples[l] = pending[l].AsSpan(0, pendingFrames).ToArray();
        }

        long first = pendingFrames > 0 ? pendingFirst : nextSample;
        var batch = new EcgLiveBatch(id, streamId, ++sequence, stream.SamplingRateHz, leadNames, first, samples, [.. beats], heartRate);
        pendingFrames = 0;
        beats.Clear();
        queue.Writer.TryWrite(batch);
    }

    private void RelinkLater()
    {
        long now = Stopwatch.GetTimestamp();
        if (now < Volatile.Read(ref nextRelink) || Interlocked.CompareExchange(ref linking, 1, 0) != 0)
        {
            return;
        }

        Volatile.Write(ref nextRelink, now + (long)(RelinkEvery.TotalSeconds * Stopwatch.Frequency));
        _ = Task.Run(async () =>
        {
            await LinkAsync(CancellationToken.None).ConfigureAwait(false);
            Volatile.Write(ref linking, 0);
        });
    }

    private async Task SendAsync()
    {
        await foreach (EcgLiveBatch batch in queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await relay.Hub.Clients.Group(EcgLiveRelay.Group(batch.CaseId)).EcgSamples(batch).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // one lost batch (a backplane hiccup) must not end the stream's pushes
            catch (Exception e)
#pragma warning restore CA1031
            {
                EcgLiveRelay.LogPushFailed(relay.Logger, e, stream.RecordingId, batch.CaseId);
            }
        }
    }

    /// <summary>Set once, read on every block without a lock: a reference swaps atomically, a Guid? does not.</summary>
    private sealed record CaseLink(Guid CaseId);
}
