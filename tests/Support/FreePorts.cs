using System.Net;
using System.Net.Sockets;

namespace Telemed.Testing;

/// <summary>Loopback ports free at the moment of asking, for servers the tests start (never fixed ports: tests run in parallel).</summary>
internal static class FreePorts
{
    public static int Next()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
