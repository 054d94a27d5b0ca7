using System.Net;
using System.Net.Sockets;

namespace CloudIngress.Proxy.Tests.Infrastructure;

public static class ClosedPort
{
    /// <summary>A loopback port nothing listens on: connections to it are refused.</summary>
    public static int Get()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
