using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudIngress.Proxy.Tests.Infrastructure;

/// <summary>Requests written byte for byte, for what HttpClient would normalize away.</summary>
public static class RawHttp
{
    /// <summary>Sends the request text (with <c>Connection: close</c> unless it names a Connection) and returns the whole response.</summary>
    public static async Task<string> SendAsync(int port, string request, TimeSpan? timeout = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        var text = request.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Replace("\n", "\r\n", StringComparison.Ordinal)
            + (request.Contains("\nConnection:", StringComparison.OrdinalIgnoreCase) ? string.Empty : "\r\nConnection: close") + "\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text));
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadToEndAsync(cts.Token);
    }
}
