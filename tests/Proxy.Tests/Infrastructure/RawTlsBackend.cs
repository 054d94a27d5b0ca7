using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CloudIngress.Proxy.Tests.Infrastructure;

/// <summary>
/// A TCP backend for passthrough: reads an optional PROXY protocol header, terminates TLS with
/// its own certificate, and answers one HTTP request with the header it saw (or "none"), or with
/// a whole response of the test's own (a bridged pod answering fields a Kestrel backend would not write as given).
/// </summary>
public sealed class RawTlsBackend : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly string? _answer;

    public RawTlsBackend(X509Certificate2 certificate, bool expectProxyHeader, string? answer = null)
    {
        _certificate = certificate;
        _answer = answer;
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
            await ReadHeadAsync(tls); // the content does not matter
            await tls.WriteAsync(Encoding.Latin1.GetBytes(_answer ?? $"HTTP/1.1 200 OK\r\nContent-Length: {header.Length}\r\nConnection: close\r\n\r\n{header}"));
            await tls.FlushAsync();
        }
    }

    /// <summary>Reads up to the blank line that ends a request head, so nothing unread is reset when the connection closes.</summary>
    private static async Task ReadHeadAsync(SslStream tls)
    {
        var head = new List<byte>();
        var buffer = new byte[4096];
        while (!System.Runtime.InteropServices.CollectionsMarshal.AsSpan(head).EndsWith("\r\n\r\n"u8))
        {
            var read = await tls.ReadAsync(buffer);
            if (read == 0)
            {
                return;
            }

            head.AddRange(buffer.AsSpan(0, read));
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
