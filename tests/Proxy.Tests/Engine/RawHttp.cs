using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudIngress.Proxy.Tests.Engine;

/// <summary>Bytes on a socket, for tests of what the engine does on the wire.</summary>
internal static class RawHttp
{
    public static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return socket;
    }

    /// <summary>Sends the payload and returns everything answered until the proxy closed the connection.</summary>
    public static async Task<string> ExchangeAsync(int port, string payload)
    {
        using var socket = await ConnectAsync(port);
        await socket.SendAsync(Encoding.Latin1.GetBytes(payload));
        return await ReadToEndAsync(socket);
    }

    /// <summary>Everything until the peer closes (returning at all means it did).</summary>
    public static async Task<string> ReadToEndAsync(Socket socket)
    {
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a hang fails the test rather than the run
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, guard.Token)) > 0)
        {
            answer.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }

        return answer.ToString();
    }
}
