using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CloudIngress.Proxy.Tests.Infrastructure;

/// <summary>
/// A TCP backend for passthrough: reads an optional PROXY protocol header, terminates TLS with
/// its own certificate, and answers one HTTP request with the header it saw (or "none").
/// </summary>
public sealed class RawTlsBackend : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RawTlsBackend(X509Certificate2 certificate, bool expectProxyHeader)
    {
        _certificate = certificate;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(() => AcceptLoop(expectProxyHeader));
    }

    public int Port { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task AcceptLoop(bool expectProxyHeader)
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => Serve(client, expectProxyHeader));
        }
    }

    private async Task Serve(TcpClient client, bool expectProxyHeader)
    {
        using (client)
        {
            var stream = client.GetStream();
            var header = expectProxyHeader ? await ReadProxyHeader(stream) : "none";
            await using var tls = new SslStream(stream);
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate });
            var buffer = new byte[4096];
            _ = await tls.ReadAsync(buffer); // one request line and headers; the content does not matter
            var body = Encoding.ASCII.GetBytes(header);
            await tls.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
            await tls.WriteAsync(body);
            await tls.FlushAsync();
        }
    }

    /// <summary>v1: the text line; v2: "v2 " + hex of the 16-byte fixed part and the addresses.</summary>
    private static async Task<string> ReadProxyHeader(NetworkStream stream)
    {
        var first = new byte[1];
        await stream.ReadExactlyAsync(first);
        if (first[0] == (byte)'P')
        {
            var line = new StringBuilder("P");
            while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal))
            {
                await stream.ReadExactlyAsync(first);
                line.Append((char)first[0]);
            }

            return line.ToString().TrimEnd();
        }

        var fixedPart = new byte[16];
        fixedPart[0] = first[0];
        await stream.ReadExactlyAsync(fixedPart.AsMemory(1));
        var rest = new byte[(fixedPart[14] << 8) | fixedPart[15]];
        await stream.ReadExactlyAsync(rest);
        return "v2 " + Convert.ToHexString([.. fixedPart, .. rest]);
    }
}
