using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.AspNetCore.SignalR.Client;
using Telemed.Bench;
using Telemed.DeviceGateway.EcgStreams.Protocol;

namespace Telemed.LiveLoad;

/// <summary>
/// Target (b): a 12-lead 500 Hz ECG cart streams in real time to the hub's ECG listener (the stream protocol over TCP,
/// a SAMPLES frame every <see cref="LiveOptions.BlockMilliseconds"/>), and <see cref="LiveOptions.Viewers"/> SignalR
/// clients watch the case. Latency is per block and viewer: from just before the device writes the block to the
/// socket to the viewer's "EcgSamples" push that completes it, so it includes the relay's batching wait.
/// </summary>
internal static class EcgPhase
{
    private const int Rate = 500;

    public static async Task RunAsync(HubUnderTest hub, BenchApi api, LiveOptions options, TextWriter log)
    {
        string suffix = Guid.NewGuid().ToString("N")[..6];
        IReadOnlyList<(string User, string Token)> staff = await api.StaffAsync("ecg-" + suffix, Math.Min(options.Viewers, options.Users));
        string patient = "BENCH-ECG-" + suffix;
        Guid caseId = await api.OpenCaseAsync(staff[0].Token, patient);
        string cart = "bench-cart-" + suffix;
        string cartToken = await api.CartAsync(cart);

        int frames = (options.Seconds + options.WarmupSeconds) * Rate;
        int blockFrames = Math.Max(1, Rate * options.BlockMilliseconds / 1000);
        int blocks = frames / blockFrames;
        short[] signal = SyntheticEcg.Generate(Rate, blocks * blockFrames);
        var sentAt = new long[blocks];
        int warmupBlocks = options.WarmupSeconds * Rate / blockFrames;

        var latencies = new ConcurrentQueue<double>();
        long batches = 0, beats = 0;
        var lastRate = new ConcurrentDictionary<int, double>();
        var viewers = new HubConnection[options.Viewers];
        await Parallel.ForAsync(0, options.Viewers, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (v, ct) =>
        {
            HubConnection connection = api.Connection(staff[v % staff.Count].Token);
            connection.On<EcgBatch>("EcgSamples", batch =>
            {
                long now = Stopwatch.GetTimestamp();
                Interlocked.Increment(ref batches);
                Interlocked.Add(ref beats, batch.Beats.Count);
                if (batch.HeartRate is double hr)
                {
                    lastRate[v] = hr;
                }

                long end = batch.FirstSample + batch.Samples[0].Length;
                // Every block whose last sample arrived with this batch.
                for (long b = batch.FirstSample / blockFrames; b < blocks && ((b + 1) * blockFrames) - 1 < end; b++)
                {
                    if (((b + 1) * blockFrames) - 1 >= batch.FirstSample && b >= warmupBlocks && Volatile.Read(ref sentAt[b]) != 0)
                    {
                        latencies.Enqueue(Stopwatch.GetElapsedTime(sentAt[b], now).TotalMilliseconds);
                    }
                }
            });
            await connection.StartAsync(ct);
            await connection.InvokeAsync("WatchEcg", caseId, ct);
            viewers[v] = connection;
        });
        log.WriteLine($"ecg: {options.Viewers} viewers watch case {caseId}; load {ChatPhase.Load()}");

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync("127.0.0.1", hub.EcgPort);
        var wire = new ArrayBufferWriter<byte>();
        EcgFrameWriter.WriteHello(wire, new EcgStreamHello
        {
            RecordingId = Guid.NewGuid(),
            DeviceId = cart,
            Token = cartToken,
            PatientId = patient,
            AcquisitionStartUtc = DateTime.UtcNow,
            SamplingRateHz = Rate,
            Leads = [.. SyntheticEcg.Leads.Select(l => new EcgStreamLead(l, SyntheticEcg.AduPerMillivolt, 0))],
        });
        await socket.SendAsync(wire.WrittenMemory, SocketFlags.None);
        wire.ResetWrittenCount();
        var acks = new TaskCompletionSource<EcgFrameType>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task reading = ReadFramesAsync(socket, acks);
        EcgFrameType first = await acks.Task.WaitAsync(TimeSpan.FromSeconds(60));
        if (first != EcgFrameType.HelloAck)
        {
            throw new InvalidOperationException($"the hub answered HELLO with {first}");
        }

        // Real time: block b leaves when its last sample has been "acquired".
        int leads = SyntheticEcg.Leads.Length;
        long begin = Stopwatch.GetTimestamp();
        for (int b = 0; b < blocks; b++)
        {
            TimeSpan due = TimeSpan.FromSeconds((double)(b + 1) * blockFrames / Rate) - Stopwatch.GetElapsedTime(begin);
            if (due > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(due);
            }

            EcgFrameWriter.WriteSamples(wire, (uint)b + 1, (long)b * blockFrames, signal.AsSpan(b * blockFrames * leads, blockFrames * leads), leads);
            Volatile.Write(ref sentAt[b], Stopwatch.GetTimestamp());
            await socket.SendAsync(wire.WrittenMemory, SocketFlags.None);
            wire.ResetWrittenCount();
        }

        long expected = (long)(blocks - warmupBlocks) * options.Viewers;
        var drain = Stopwatch.StartNew();
        while (latencies.Count < expected && drain.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }

        socket.Shutdown(SocketShutdown.Both);
        await reading;
        log.WriteLine($"ecg: 12 leads × {Rate} Hz, {options.BlockMilliseconds} ms blocks, {options.Seconds} s measured after {options.WarmupSeconds} s warm-up, "
            + $"{options.Viewers} viewers: {batches} batches ({(double)batches / options.Viewers / (options.Seconds + options.WarmupSeconds):F1}/s per viewer), "
            + $"{latencies.Count} of {expected} block deliveries timed, {beats / Math.Max(1, options.Viewers)} beats per viewer, "
            + $"heart rate {(lastRate.IsEmpty ? "none" : $"{lastRate.Values.Average():F1}")} bpm (synthetic 72); load {ChatPhase.Load()}");
        log.WriteLine($"ecg end-to-end latency (device send → viewer EcgSamples): {Percentiles.Summary(latencies)}");
        await Parallel.ForEachAsync(viewers, async (c, _) => await c.DisposeAsync());
    }

    /// <summary>Reads the hub's frames: reports the first (HELLO-ACK or ERROR), discards the ACKs after it.</summary>
    private static async Task ReadFramesAsync(Socket socket, TaskCompletionSource<EcgFrameType> first)
    {
        byte[] buffer = new byte[1 << 16];
        int held = 0;
        try
        {
            while (true)
            {
                int n = await socket.ReceiveAsync(buffer.AsMemory(held), SocketFlags.None);
                if (n == 0)
                {
                    first.TrySetException(new IOException("the hub closed the stream"));
                    return;
                }

                held += n;
                var sequence = new ReadOnlySequence<byte>(buffer, 0, held);
                while (EcgFrameReader.TryReadFrame(ref sequence, out EcgFrameType type, out _))
                {
                    first.TrySetResult(type);
                }

                int rest = (int)sequence.Length;
                Array.Copy(buffer, held - rest, buffer, 0, rest);
                held = rest;
            }
        }
        catch (SocketException e)
        {
            first.TrySetException(e);
        }
    }
}
