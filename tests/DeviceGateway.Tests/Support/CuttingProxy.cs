using System.Net;
using System.Net.Sockets;

namespace Telemed.DeviceGateway.Tests.Support;

/// <summary>
/// A TCP relay between a device and the server that breaks the link like a weak mobile connection: it cuts a
/// connection after a chosen number of device-to-server bytes (usually mid-frame), forwarding exactly those bytes
/// first. It can also hold all traffic at a byte count, so a test can restart the server at a known point.
/// </summary>
internal sealed class CuttingProxy : IAsyncDisposable
{
    private readonly Socket _listener = new(SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Queue<long> _cuts;
    private readonly Lock _lock = new();
    private readonly List<Task> _tasks = [];
    private readonly Task _accept;
    private long _totalUpstream;
    private long _holdAt = long.MaxValue;
    private TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="cutsAfterBytes">For each of the next connections in turn: cut after this many device-to-server bytes.</param>
    public CuttingProxy(IPEndPoint target, IEnumerable<long> cutsAfterBytes)
    {
        Target = target;
        _cuts = new Queue<long>(cutsAfterBytes);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _accept = AcceptAsync();
    }

    public int Port { get; }

    public IPEndPoint Target { get; set; }

    public int CutsMade { get; private set; }

    public int Connections { get; private set; }

    /// <summary>Holds all device-to-server traffic once this many bytes have passed in total; completes <see cref="Held"/>.</summary>
    public void HoldAt(long totalBytes)
    {
        lock (_lock)
        {
            _holdAt = totalBytes;
            _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public Task Held
    {
        get
        {
            lock (_lock)
            {
                return _held.Task;
            }
        }
    }

    public void Release()
    {
        lock (_lock)
        {
            _holdAt = long.MaxValue;
            _released.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        Release();
        try
        {
            await _accept;
        }
        catch (OperationCanceledException)
        {
        }

        Task[] tasks;
        lock (_lock)
        {
            tasks = [.. _tasks];
        }

        await Task.WhenAll(tasks);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket device;
            try
            {
                device = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            lock (_lock)
            {
                Connections++;
                long cut = _cuts.Count > 0 ? _cuts.Dequeue() : long.MaxValue;
                _tasks.Add(RelayAsync(device, cut));
            }
        }
    }

    private async Task RelayAsync(Socket device, long cutAfter)
    {
        using var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var _ = device;
        try
        {
            await server.ConnectAsync(Target, _stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return; // server down (restarting): the device sees the connection close and retries
        }

        using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var up = PumpUpAsync(device, server, cutAfter, done);
        var down = PumpAsync(server, device, done.Token);
        await Task.WhenAny(up, down);
        await done.CancelAsync();
        // Close both ends at once, with whatever was forwarded already delivered (FIN, not RST).
        TryShutdown(server);
        TryShutdown(device);
        await Task.WhenAll(Quiet(up), Quiet(down));
    }

    private async Task PumpUpAsync(Socket from, Socket to, long cutAfter, CancellationTokenSource done)
    {
        var buffer = new byte[8192];
        long forwarded = 0;
        while (true)
        {
            int n = await from.ReceiveAsync(buffer, done.Token);
            if (n == 0)
            {
                return;
            }

            int take = (int)Math.Min(n, cutAfter - forwarded);
            take = await WaitForHoldAsync(take, done.Token);
            await SendAllAsync(to, buffer.AsMemory(0, take), done.Token);
            forwarded += take;
            lock (_lock)
            {
                _totalUpstream += take;
            }

            if (take < n)
            {
                // Either the cut point (forward the rest never) or a hold that was released: forward the remainder.
                if (forwarded >= cutAfter)
                {
                    lock (_lock)
                    {
                        CutsMade++;
                    }

                    return;
                }

                int rest = n - take;
                rest = await WaitForHoldAsync(rest, done.Token);
                await SendAllAsync(to, buffer.AsMemory(take, rest), done.Token);
                forwarded += rest;
                lock (_lock)
                {
                    _totalUpstream += rest;
                }
            }
        }
    }

    /// <summary>Limits <paramref name="count"/> to the bytes allowed before the hold point; waits at the hold.</summary>
    private async Task<int> WaitForHoldAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task released;
            lock (_lock)
            {
                long room = _holdAt - _totalUpstream;
                if (room > 0)
                {
                    return (int)Math.Min(count, room);
                }

                _held.TrySetResult();
                released = _released.Task;
            }

            await released.WaitAsync(cancellationToken);
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        while (true)
        {
            int n = await from.ReceiveAsync(buffer, cancellationToken);
            if (n == 0)
            {
                return;
            }

            await SendAllAsync(to, buffer.AsMemory(0, n), cancellationToken);
        }
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            int sent = await socket.SendAsync(bytes, cancellationToken);
            bytes = bytes[sent..];
        }
    }

    private static void TryShutdown(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private static async Task Quiet(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
    }
}
