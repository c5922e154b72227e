using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Telemed.DeviceGateway.EcgStreams.Live;
using Telemed.DeviceGateway.EcgStreams.Protocol;
using Telemed.DeviceGateway.EcgStreams.Segments;

namespace Telemed.DeviceGateway.EcgStreams.Server;

/// <summary>
/// One connection of one device, on any duplex pipe (TCP here, a WebSocket in the host): HELLO, then SAMPLES
/// appended to the recording's segment and analysed live, ACKs after each batched fsync, and BYE. Frames are cut
/// straight off the pipe's buffer; a SAMPLES frame costs one copy into a reused buffer and no allocation.
/// </summary>
internal sealed partial class EcgStreamSession : IDisposable
{
    private readonly EcgStreamServer _server;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly string _remote;
    private readonly CancellationTokenSource _cts;
    private readonly Timer _ackTimer;
    private readonly Timer _idleTimer;
    private readonly CancellationTokenRegistration _onStopping;
    private int _stopReason;
    private EcgRecordingLeases.Lease? _lease;
    private EcgSegment? _segment;
    private EcgLiveAnalyzer? _live;
    private short[] _samples = [];
    private int _unackedFrames;
    private long _firstUnacked;
    private bool _ackDue;
    private bool _ackTimerArmed;
    private bool _announced;

    public EcgStreamSession(EcgStreamServer server, IDuplexPipe transport, string remote, CancellationToken stopping)
    {
        _server = server;
        _input = transport.Input;
        _output = transport.Output;
        _remote = remote;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        // Wakes the read loop when samples have waited MaxAckDelay for their fsync.
        _ackTimer = new Timer(static s => ((PipeReader)s!).CancelPendingRead(), _input, Timeout.Infinite, Timeout.Infinite);
        // Reads are never cancelled through a token: on a socket that aborts the connection, and the device would not
        // get its ERROR. A stop reason plus CancelPendingRead wakes the loop with the connection intact.
        _idleTimer = new Timer(static s => ((EcgStreamSession)s!).Stop(EcgStreamErrorCode.IdleTimeout), this, Timeout.Infinite, Timeout.Infinite);
        _onStopping = stopping.UnsafeRegister(static s => ((EcgStreamSession)s!).Stop(EcgStreamErrorCode.ShuttingDown), this);
    }

    private ILogger Logger => _server.Logger;

    private EcgStreamServerOptions Options => _server.Options;

    public async Task RunAsync()
    {
        string device = "?";
        Guid recording = Guid.Empty;
        try
        {
            var hello = await ReadHelloAsync().ConfigureAwait(false);
            if (hello is null)
            {
                return;
            }

            device = hello.DeviceId;
            recording = hello.RecordingId;
            var identity = await _server.Authenticator.AuthenticateAsync(hello.DeviceId, hello.Token, _cts.Token).ConfigureAwait(false)
                ?? throw new EcgStreamProtocolException(EcgStreamErrorCode.Unauthorized, $"device {hello.DeviceId} is unknown or its token is wrong");
            _lease = await _server.Leases.AcquireAsync(hello.RecordingId, Supersede, Options.TakeoverTimeout, _cts.Token).ConfigureAwait(false);
            _segment = EcgSegment.OpenOrCreate(Options.SegmentRoot, hello, identity);
            if (_segment.RepairedBytes > 0)
            {
                LogRepaired(Logger, recording, _segment.RepairedBytes, _segment.LastSequence);
            }

            if (_segment.Finish is null)
            {
                if (_server.ParkedAnalyses.TryRemove(recording, out var parked) && parked.SampleCount == _segment.SampleCount)
                {
                    _live = parked;
                }
                else
                {
                    // After a restart (or a crash that lost samples the analysis had seen) the analysis starts over from
                    // the durable samples, so its state and its beats are exactly those of an uninterrupted stream.
                    _live = new EcgLiveAnalyzer(_segment.Metadata, Options.DisplayFilter, _server.Observer);
                    _segment.ReadBlocks((_, block) => _live.Process(block, publish: false));
                }

                _samples = new short[EcgStreamLimits.MaxFramesPerBlock(_segment.LeadCount) * _segment.LeadCount];
                await AnnounceAsync(_segment.Metadata).ConfigureAwait(false);
            }

            EcgFrameWriter.WriteHelloAck(_output, _segment.Finish is not null, _segment.LastSequence + 1, _segment.SampleCount);
            await _output.FlushAsync(_cts.Token).ConfigureAwait(false);
            LogHello(Logger, device, recording, _remote, _segment.LastSequence + 1, _segment.SampleCount);
            await StreamAsync().ConfigureAwait(false);
        }
        catch (EcgStreamProtocolException e) when (e.Code is EcgStreamErrorCode.IdleTimeout or EcgStreamErrorCode.ShuttingDown or EcgStreamErrorCode.Superseded)
        {
            LogEnded(Logger, device, recording, _remote, e.Code);
            await TrySendErrorAsync(e.Code, e.Message).ConfigureAwait(false);
        }
        catch (EcgStreamProtocolException e)
        {
            LogRefused(Logger, device, recording, _remote, e.Code, e.Message);
            await TrySendErrorAsync(e.Code, e.Message).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            int reason = Volatile.Read(ref _stopReason);
            var code = reason != 0 ? (EcgStreamErrorCode)reason : EcgStreamErrorCode.ServerError;
            LogEnded(Logger, device, recording, _remote, code);
            await TrySendErrorAsync(code, code.ToString()).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            LogLost(Logger, device, recording, _remote, e.Message);
        }
#pragma warning disable CA1031 // a server fault must reach the device as an ERROR, not kill the listener
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogFault(Logger, e, device, recording, _remote);
            await TrySendErrorAsync(EcgStreamErrorCode.ServerError, "server error").ConfigureAwait(false);
        }
        finally
        {
            // Whatever arrived whole is made durable before the recording is let go, so the resume point moves on.
            try
            {
                if (_announced)
                {
                    _server.Observer!.OnStreamEnded(recording, _segment!.Finish is not null);
                }

                _segment?.Dispose();
                // Everything the analysis has seen is durable now; a reconnect of this recording may continue it.
                if (_segment is { Finish: null } && _live is not null && _live.SampleCount == _segment.SampleCount
                    && _server.ParkedAnalyses.Count < EcgStreamServer.MaxParkedAnalyses)
                {
                    _server.ParkedAnalyses[_segment.Metadata.RecordingId] = _live;
                }
            }
            finally
            {
                _lease?.Dispose();
                await CompleteTransportAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Tells the live observer a stream (re)starts; its failure is the observer's, never the device's.</summary>
    private async ValueTask AnnounceAsync(EcgSegmentMetadata metadata)
    {
        if (_server.Observer is not { } observer)
        {
            return;
        }

        _announced = true; // from here the observer may hold the stream: it hears the end whatever happens
        try
        {
            await observer.OnStreamStartedAsync(new EcgLiveStream(metadata.RecordingId, metadata.DeviceId, metadata.InstitutionId,
                metadata.PatientId, metadata.SamplingRateHz, metadata.Leads, _segment!.SampleCount), _cts.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a viewer-side fault must not refuse the device's recording
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogObserverFault(Logger, e, metadata.RecordingId);
        }
    }

    /// <summary>Completing the writer flushes what is left; a cancelled write has already closed the socket, which is fine here.</summary>
    private async ValueTask CompleteTransportAsync()
    {
        try
        {
            await _input.CompleteAsync().ConfigureAwait(false);
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            LogLost(Logger, "?", Guid.Empty, _remote, e.Message);
        }
    }

    public void Dispose()
    {
        _onStopping.Dispose();
        _idleTimer.Dispose();
        _ackTimer.Dispose();
        _cts.Dispose();
    }

    private void Supersede()
    {
        Stop(EcgStreamErrorCode.Superseded);
        try
        {
            // Also frees a write stuck on a dead peer's full window (that does abort the socket, which is then dead anyway).
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The session ended meanwhile.
        }
    }

    private void Stop(EcgStreamErrorCode reason)
    {
        Interlocked.CompareExchange(ref _stopReason, (int)reason, 0);
        _input.CancelPendingRead();
    }

    /// <summary>Next read, with the idle clock restarted; throws when the session was told to stop.</summary>
    private async ValueTask<ReadResult> ReadAsync()
    {
        ThrowIfStopped();
        _idleTimer.Change(Options.IdleTimeout, Timeout.InfiniteTimeSpan);
        return await _input.ReadAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private void ThrowIfStopped()
    {
        int reason = Volatile.Read(ref _stopReason);
        if (reason != 0)
        {
            throw new EcgStreamProtocolException((EcgStreamErrorCode)reason, ((EcgStreamErrorCode)reason).ToString());
        }
    }

    private async Task<EcgStreamHello?> ReadHelloAsync()
    {
        while (true)
        {
            ReadResult result = await ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            if (EcgFrameReader.TryReadFrame(ref buffer, out var type, out var payload))
            {
                if (type != EcgFrameType.Hello)
                {
                    throw new EcgStreamProtocolException(EcgStreamErrorCode.UnexpectedFrame, $"expected HELLO, got {type}");
                }

                // Opening and replaying a long recording may take a while; the device is waiting, not idle.
                _idleTimer.Change(Timeout.Infinite, Timeout.Infinite);
                var hello = EcgFrameReader.ReadHello(payload);
                EcgHelloRules.Check(hello);
                _input.AdvanceTo(buffer.Start);
                return hello;
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    private async Task StreamAsync()
    {
        while (true)
        {
            ReadResult result = await ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            (uint Sequence, long Samples)? bye = ProcessFrames(ref buffer);
            _input.AdvanceTo(buffer.Start, buffer.End);
            if (bye is { } b)
            {
                await AcknowledgeAsync().ConfigureAwait(false);
                await FinishAsync(b.Sequence, b.Samples).ConfigureAwait(false);
                return;
            }

            if (result.IsCompleted)
            {
                return; // the finally block fsyncs; nobody is left to acknowledge to
            }

            if (_unackedFrames > 0 || _ackDue)
            {
                TimeSpan waited = Stopwatch.GetElapsedTime(_firstUnacked);
                if (result.IsCanceled || _unackedFrames >= Options.AckEveryFrames || waited >= Options.MaxAckDelay)
                {
                    await AcknowledgeAsync().ConfigureAwait(false);
                }
                else if (!_ackTimerArmed)
                {
                    _ackTimer.Change(Options.MaxAckDelay - waited, Timeout.InfiniteTimeSpan);
                    _ackTimerArmed = true;
                }
            }
        }
    }

    /// <summary>Handles the whole frames in the buffer; returns BYE's fields when it meets BYE.</summary>
    private (uint, long)? ProcessFrames(ref ReadOnlySequence<byte> buffer)
    {
        while (EcgFrameReader.TryReadFrame(ref buffer, out var type, out var payload))
        {
            switch (type)
            {
                case EcgFrameType.Samples:
                    HandleSamples(payload);
                    break;
                case EcgFrameType.Bye:
                    return EcgFrameReader.ReadSequenceAndCount(payload, "BYE");
                default:
                    throw new EcgStreamProtocolException(EcgStreamErrorCode.UnexpectedFrame, $"{type} is not expected while streaming");
            }
        }

        return null;
    }

    private void HandleSamples(ReadOnlySequence<byte> payload)
    {
        var segment = _segment!;
        var header = EcgFrameReader.ReadSamplesHeader(payload, segment.LeadCount);
        if (segment.Finish is not null || _live is null)
        {
            throw new EcgStreamProtocolException(EcgStreamErrorCode.UnexpectedFrame, $"SAMPLES {header.Sequence}: the recording is already finished");
        }

        if (header.Sequence <= segment.LastSequence)
        {
            // A resend of a block we hold (the device missed our ACK): idempotent, answered with an ACK.
            MarkAckDue();
            return;
        }

        if (header.Sequence != segment.LastSequence + 1 || header.FirstSample != segment.SampleCount)
        {
            throw new EcgStreamProtocolException(EcgStreamErrorCode.OutOfSequence,
                $"SAMPLES {header.Sequence} at sample {header.FirstSample}: expected sequence {segment.LastSequence + 1} at sample {segment.SampleCount}");
        }

        if (segment.SampleCount + header.FrameCount > EcgStreamLimits.MaxRecordingFrames)
        {
            throw new EcgStreamProtocolException(EcgStreamErrorCode.RecordingTooLong, $"recording exceeds {EcgStreamLimits.MaxRecordingFrames} samples per lead");
        }

        Span<short> samples = _samples.AsSpan(0, header.FrameCount * segment.LeadCount);
        EcgFrameReader.CopySamples(payload, samples);
        segment.Append(header.Sequence, header.FirstSample, samples);
        _live.Process(samples, publish: true);
        _unackedFrames++;
        MarkAckDue();
    }

    private void MarkAckDue()
    {
        if (!_ackDue)
        {
            _ackDue = true;
            _firstUnacked = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>fsync, then ACK: the device may forget everything up to the acknowledged sequence.</summary>
    private async ValueTask AcknowledgeAsync()
    {
        var segment = _segment!;
        segment.Flush();
        EcgFrameWriter.WriteAck(_output, segment.LastSequence, segment.SampleCount);
        _unackedFrames = 0;
        _ackDue = false;
        if (_ackTimerArmed)
        {
            _ackTimer.Change(Timeout.Infinite, Timeout.Infinite);
            _ackTimerArmed = false;
        }

        await _output.FlushAsync(_cts.Token).ConfigureAwait(false);
    }

    private async Task FinishAsync(uint lastSequence, long totalSamples)
    {
        var segment = _segment!;
        if (lastSequence != segment.LastSequence || totalSamples != segment.SampleCount || totalSamples == 0)
        {
            throw new EcgStreamProtocolException(EcgStreamErrorCode.ByeMismatch,
                $"BYE says {lastSequence} frames and {totalSamples} samples; the server holds {segment.LastSequence} and {segment.SampleCount}");
        }

        if (segment.Finish is null)
        {
            // The device waits for BYE-ACK while the whole recording is analysed: that silence is not idleness.
            _idleTimer.Change(Timeout.Infinite, Timeout.Infinite);
            _live!.Flush(publish: true);
            await _server.Finalizer.FinishAsync(segment, _cts.Token).ConfigureAwait(false);
            LogFinished(Logger, segment.Metadata.DeviceId, segment.Metadata.RecordingId, segment.SampleCount, segment.Finish!.BlobHash,
                segment.Finish.Urgency);
        }

        var finish = segment.Finish!;
        EcgFrameWriter.WriteByeAck(_output, new EcgStreamCompletion(finish.BlobHash, finish.Urgency, finish.Flags));
        await _output.FlushAsync(_cts.Token).ConfigureAwait(false);
    }

    private async ValueTask TrySendErrorAsync(EcgStreamErrorCode code, string message)
    {
        try
        {
            EcgFrameWriter.WriteError(_output, code, message);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await _output.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            // The peer is gone; the ERROR was a courtesy.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ECG stream {RecordingId} from device {DeviceId} ({Remote}): resuming at sequence {NextSequence}, sample {NextSample}")]
    private static partial void LogHello(ILogger logger, string deviceId, Guid recordingId, string remote, uint nextSequence, long nextSample);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ECG stream {RecordingId}: repaired a torn tail of {Bytes} bytes after block {Sequence}")]
    private static partial void LogRepaired(ILogger logger, Guid recordingId, long bytes, uint sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ECG stream {RecordingId} from device {DeviceId} ({Remote}) refused: {Code} {Reason}")]
    private static partial void LogRefused(ILogger logger, string deviceId, Guid recordingId, string remote, EcgStreamErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "ECG stream {RecordingId} from device {DeviceId} ({Remote}) ended: {Code}")]
    private static partial void LogEnded(ILogger logger, string deviceId, Guid recordingId, string remote, EcgStreamErrorCode code);

    [LoggerMessage(Level = LogLevel.Information, Message = "ECG stream {RecordingId} from device {DeviceId} ({Remote}) lost: {Reason}")]
    private static partial void LogLost(ILogger logger, string deviceId, Guid recordingId, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "ECG stream {RecordingId} from device {DeviceId} ({Remote}) failed")]
    private static partial void LogFault(ILogger logger, Exception exception, string deviceId, Guid recordingId, string remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ECG stream {RecordingId}: the live observer failed at the stream's start; samples are still recorded")]
    private static partial void LogObserverFault(ILogger logger, Exception exception, Guid recordingId);

    [LoggerMessage(Level = LogLevel.Information, Message = "ECG stream {RecordingId} from device {DeviceId} finished: {Samples} samples per lead, blob {BlobHash}, {Urgency}")]
    private static partial void LogFinished(ILogger logger, string deviceId, Guid recordingId, long samples, string blobHash, Telemed.Ecg.Rhythm.EcgUrgency urgency);
}
