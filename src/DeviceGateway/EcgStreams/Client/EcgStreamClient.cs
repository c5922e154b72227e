using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using Telemed.DeviceGateway.EcgStreams.Protocol;

namespace Telemed.DeviceGateway.EcgStreams.Client;

/// <summary>
/// Streams a recording as a device does (docs/protocols/ecg-stream.md §4): HELLO, SAMPLES within a window of
/// unacknowledged frames, BYE once everything is acknowledged. When the link breaks it reconnects and resumes from the
/// server's HELLO-ACK, so the server ends up with every sample exactly once.
/// </summary>
public sealed class EcgStreamClient(EcgStreamClientOptions options)
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>Connections opened so far (for progress reports).</summary>
    public int Connections { get; private set; }

    /// <summary>Samples per lead the server has acknowledged as durable.</summary>
    public long AcknowledgedSamples => Volatile.Read(ref _ackedSamples);

    private long _ackedSamples;
    private long _framesSent;

    public async Task<EcgStreamResult> SendAsync(EcgStreamSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        EcgHelloRules.Check(source.Hello);
        if (source.SamplesPerLead == 0 || source.Interleaved.Length % source.Hello.Leads.Count != 0)
        {
            throw new ArgumentException("the source holds no whole frames", nameof(source));
        }

        var started = Stopwatch.GetTimestamp();
        int failures = 0;
        TimeSpan delay = options.RetryDelay;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long ackedBefore = AcknowledgedSamples;
            Exception? failure = null;
            try
            {
                Connections++;
                var completion = await RunConnectionAsync(source, started, cancellationToken).ConfigureAwait(false);
                if (completion is not null)
                {
                    return new EcgStreamResult(completion, source.SamplesPerLead, Connections, _framesSent, Stopwatch.GetElapsedTime(started));
                }
            }
            catch (Exception e) when (e is IOException or SocketException or TimeoutException or EcgStreamProtocolException or TransientServerError)
            {
                failure = e;
            }

            // A connection that moved the acknowledged point on resets the patience; one that did not (failed, or
            // dropped on purpose before any ACK) uses it up, so a server that never acknowledges cannot loop us forever.
            if (AcknowledgedSamples > ackedBefore)
            {
                failures = 0;
                delay = options.RetryDelay;
                if (failure is null)
                {
                    continue; // dropped on purpose (DropEvery): reconnect at once
                }
            }
            else if (++failures >= options.MaxAttemptsWithoutProgress)
            {
                throw new EcgStreamRefusedException((failure as TransientServerError)?.Code,
                    $"gave up after {failures} connection attempts without progress: {failure?.Message ?? "no samples acknowledged"}", failure);
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    /// <summary>One connection: returns BYE-ACK's completion, or null when it dropped the link on purpose.</summary>
    private async Task<EcgStreamCompletion?> RunConnectionAsync(EcgStreamSource source, long started, CancellationToken cancellationToken)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connectTimeout.CancelAfter(options.ResponseTimeout);
            try
            {
                await socket.ConnectAsync(options.Host, options.Port, connectTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"no connection to {options.Host}:{options.Port} within {options.ResponseTimeout}");
            }
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = PipeReader.Create(stream);
        var writer = PipeWriter.Create(stream);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var link = new Link(reader, options.ResponseTimeout);

        EcgFrameWriter.WriteHello(writer, source.Hello);
        await writer.FlushAsync(linked.Token).ConfigureAwait(false);
        var (finished, nextSequence, nextSample) = await link.ReadHelloAckAsync(linked.Token).ConfigureAwait(false);
        long total = source.SamplesPerLead;
        if (nextSample > total || (finished && nextSample != total))
        {
            throw new EcgStreamRefusedException(EcgStreamErrorCode.RecordingMismatch,
                $"the server holds {nextSample} samples per lead of recording {source.Hello.RecordingId}; this source has {total}");
        }

        Volatile.Write(ref _ackedSamples, nextSample);
        link.Acknowledged(nextSequence - 1);
        var receiving = link.ReceiveAsync(this, linked.Token);
        try
        {
            int leads = source.Hello.Leads.Count;
            int block = options.FramesPerBlock > 0 ? options.FramesPerBlock : Math.Max(1, source.Hello.SamplingRateHz / 10);
            block = Math.Min(block, EcgStreamLimits.MaxFramesPerBlock(leads));
            uint sequence = nextSequence - 1;
            long position = nextSample;
            int sentHere = 0;
            double rate = source.Hello.SamplingRateHz;
            while (position < total)
            {
                int frames = (int)Math.Min(block, total - position);
                if (options.Realtime)
                {
                    // Sample t exists at start + t / rate; a backlog after a reconnect goes out at once.
                    TimeSpan due = TimeSpan.FromSeconds((position + frames) / rate) - Stopwatch.GetElapsedTime(started);
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, linked.Token).ConfigureAwait(false);
                    }
                }

                await link.WaitForWindowAsync(sequence, options.MaxUnacknowledgedFrames, linked.Token).ConfigureAwait(false);
                sequence++;
                EcgFrameWriter.WriteSamples(writer, sequence, position, source.Interleaved.Span.Slice((int)(position * leads), frames * leads), leads);
                await writer.FlushAsync(linked.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _framesSent);
                position += frames;
                if (options.DropEvery > 0 && ++sentHere % options.DropEvery == 0 && position < total)
                {
                    return null;
                }
            }

            await link.WaitForWindowAsync(sequence, 1, linked.Token).ConfigureAwait(false);
            EcgFrameWriter.WriteBye(writer, sequence, total);
            await writer.FlushAsync(linked.Token).ConfigureAwait(false);
            return await link.WaitForByeAckAsync(linked.Token).ConfigureAwait(false);
        }
        finally
        {
            await linked.CancelAsync().ConfigureAwait(false);
            socket.Dispose(); // also ends the receive loop
            try
            {
                await receiving.ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or EcgStreamProtocolException or TransientServerError or EcgStreamRefusedException)
            {
                // The loop's failure was reported to the sender through the link.
            }
        }
    }

    private void OnAcknowledged(long samples) => Volatile.Write(ref _ackedSamples, samples);

    /// <summary>The receiving half of one connection: ACKs, BYE-ACK and ERRORs, handed to the sender.</summary>
    private sealed class Link(PipeReader reader, TimeSpan timeout) : IDisposable
    {
        private readonly SemaphoreSlim _signal = new(0);
        private uint _ackedSequence;
        private EcgStreamCompletion? _completion;
        private Exception? _failure;

        public void Acknowledged(uint sequence) => Volatile.Write(ref _ackedSequence, sequence);

        public void Dispose() => _signal.Dispose();

        public async Task<(bool, uint, long)> ReadHelloAckAsync(CancellationToken cancellationToken)
        {
            var (type, payload) = await ReadFrameAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return type switch
                {
                    EcgFrameType.HelloAck => EcgFrameReader.ReadHelloAck(payload),
                    EcgFrameType.Error => throw ErrorOf(payload),
                    _ => throw new EcgStreamProtocolException(EcgStreamErrorCode.UnexpectedFrame, $"expected HELLO-ACK, got {type}"),
                };
            }
            finally
            {
                reader.AdvanceTo(payload.End);
            }
        }

        public async Task ReceiveAsync(EcgStreamClient client, CancellationToken cancellationToken)
        {
            try
            {
                while (true)
                {
                    ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    var buffer = result.Buffer;
                    while (EcgFrameReader.TryReadFrame(ref buffer, out var type, out var payload))
                    {
                        switch (type)
                        {
                            case EcgFrameType.Ack:
                                var (sequence, samples) = EcgFrameReader.ReadSequenceAndCount(payload, "ACK");
                                Volatile.Write(ref _ackedSequence, sequence);
                                client.OnAcknowledged(samples);
                                break;
                            case EcgFrameType.ByeAck:
                                _completion = EcgFrameReader.ReadByeAck(payload);
                                break;
                            case EcgFrameType.Error:
                                throw ErrorOf(payload);
                            default:
                                throw new EcgStreamProtocolException(EcgStreamErrorCode.UnexpectedFrame, $"{type} from the server");
                        }

                        _signal.Release();
                    }

                    reader.AdvanceTo(buffer.Start, buffer.End);
                    if (result.IsCompleted)
                    {
                        throw new IOException("the server closed the connection");
                    }
                }
            }
            catch (Exception e)
            {
                _failure = e;
                _signal.Release();
                throw;
            }
        }

        public async Task WaitForWindowAsync(uint sent, int window, CancellationToken cancellationToken)
        {
            while (sent - Volatile.Read(ref _ackedSequence) >= (uint)window)
            {
                await WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<EcgStreamCompletion> WaitForByeAckAsync(CancellationToken cancellationToken)
        {
            while (_completion is null)
            {
                await WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            return _completion;
        }

        private async Task WaitAsync(CancellationToken cancellationToken)
        {
            if (_failure is { } failure)
            {
                throw failure is EcgStreamRefusedException or TransientServerError or EcgStreamProtocolException
                    ? failure
                    : new IOException(failure.Message, failure);
            }

            if (!await _signal.WaitAsync(timeout, cancellationToken).ConfigureAwait(false))
            {
                throw new TimeoutException($"no answer from the server within {timeout}");
            }

            if (_failure is { } late && _completion is null)
            {
                throw late is EcgStreamRefusedException or TransientServerError or EcgStreamProtocolException ? late : new IOException(late.Message, late);
            }
        }

        private async Task<(EcgFrameType, ReadOnlySequence<byte>)> ReadFrameAsync(CancellationToken cancellationToken)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await reader.ReadAsync(deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"no HELLO-ACK within {timeout}");
                }

                var buffer = result.Buffer;
                if (EcgFrameReader.TryReadFrame(ref buffer, out var type, out var payload))
                {
                    return (type, payload);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    throw new IOException("the server closed the connection before HELLO-ACK");
                }
            }
        }

        private static Exception ErrorOf(ReadOnlySequence<byte> payload)
        {
            var (code, message) = EcgFrameReader.ReadError(payload);
            return code is EcgStreamErrorCode.IdleTimeout or EcgStreamErrorCode.ShuttingDown or EcgStreamErrorCode.Superseded or EcgStreamErrorCode.ServerError
                ? new TransientServerError(code, message)
                : new EcgStreamRefusedException(code, $"server refused the stream: {code}: {message}");
        }
    }

    /// <summary>An ERROR that a reconnect may cure (server stopping, idle timeout, takeover, server fault).</summary>
    private sealed class TransientServerError(EcgStreamErrorCode code, string message) : Exception($"{code}: {message}")
    {
        public EcgStreamErrorCode Code { get; } = code;
    }
}
