using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Telemed.DeviceGateway.EcgStreams.Server;

/// <summary>
/// Accepts ECG stream devices on a TCP port: one task per connection, each handed to <see cref="EcgStreamServer"/>.
/// <see cref="DisposeAsync"/> stops accepting, tells every session to stop (they fsync what they have and send ERROR
/// ShuttingDown), and waits for them.
/// </summary>
public sealed partial class EcgStreamListener : IAsyncDisposable
{
    private readonly EcgStreamServer _server;
    private readonly Socket _socket;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly Task _acceptLoop;
    private long _nextConnection;
    private int _disposed;

    private EcgStreamListener(EcgStreamServer server, Socket socket, ILogger logger)
    {
        _server = server;
        _socket = socket;
        _logger = logger;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _acceptLoop = AcceptLoopAsync();
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Connections being served now.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Binds <paramref name="endPoint"/> (port 0 for an ephemeral port) and starts accepting.</summary>
    public static EcgStreamListener Start(EcgStreamServer server, IPEndPoint endPoint, ILogger<EcgStreamListener>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(endPoint);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endPoint);
            socket.Listen(128);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new EcgStreamListener(server, socket, logger ?? (ILogger)NullLogger.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _socket.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException && _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                // A connection that died in the backlog (ECONNABORTED); keep accepting.
                LogAcceptFailed(_logger, e.SocketErrorCode);
                continue;
            }

            long id = Interlocked.Increment(ref _nextConnection);
            var task = ServeAsync(connection);
            _connections[id] = task;
            _ = task.ContinueWith(_ => _connections.TryRemove(id, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        await Task.Yield(); // the accept loop goes on at once
        string remote = connection.RemoteEndPoint?.ToString() ?? "?";
        connection.NoDelay = true; // ACKs are small and latency-bound
        var transport = new SocketTransport(connection);
        await using (transport.ConfigureAwait(false))
        {
            await _server.HandleConnectionAsync(transport, remote, _stopping.Token).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ECG stream listener: accept failed ({Error})")]
    private static partial void LogAcceptFailed(ILogger logger, SocketError error);

}
