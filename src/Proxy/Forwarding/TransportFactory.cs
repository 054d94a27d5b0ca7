using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace CloudIngress.Proxy.Forwarding;

/// <summary>
/// Makes one SocketsHttpHandler per <see cref="TransportKey"/>; the route-table swap keeps each
/// alive while any table uses its key, so pooled connections survive reloads. The connect
/// callback makes the TCP connection with the pool's timeout and does the TLS handshake itself,
/// so SNI and trust are ours to choose.
/// </summary>
internal sealed class TransportFactory
{
    private int _created;

    /// <summary>How many transports were made: reloads that keep a pool's key must not add to it.</summary>
    public int Created => Volatile.Read(ref _created);

    public UpstreamTransport Create(TransportKey key)
    {
        Interlocked.Increment(ref _created);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            ActivityHeadersPropagator = null,
        };
        var validator = UpstreamCertificateValidator.For(key);
        handler.ConnectCallback = (context, cancellationToken) => ConnectAsync(key, validator, context, cancellationToken);
        return new UpstreamTransport(new HttpMessageInvoker(handler, disposeHandler: true), key);
    }

    private static async ValueTask<Stream> ConnectAsync(TransportKey key, RemoteCertificateValidationCallback? validator,
        SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(key.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, timeout.Token);
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            socket.Dispose();
            throw new UpstreamConnectException($"{context.DnsEndPoint.Host}:{context.DnsEndPoint.Port}", e is OperationCanceledException, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var stream = new NetworkStream(socket, ownsSocket: true);
        if (!key.Tls)
        {
            return stream;
        }

        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = key.TlsName,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ApplicationProtocols = [key.Http2 ? SslApplicationProtocol.Http2 : SslApplicationProtocol.Http11],
                RemoteCertificateValidationCallback = validator,
            }, cancellationToken);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }

        return tls;
    }
}
