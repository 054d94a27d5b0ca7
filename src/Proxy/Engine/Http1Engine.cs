using CloudIngress.Proxy.Observability;
using CloudIngress.Proxy.Routing;
using Microsoft.AspNetCore.Connections;

namespace CloudIngress.Proxy.Engine;

/// <summary>
/// The HTTP/1.1 engine behind Kestrel's connection layer: Kestrel accepts the socket (and
/// terminates TLS); each connection's requests are then parsed, routed and forwarded here on
/// the connection's pipes, without Kestrel's HTTP stack. See <see cref="Http1Session"/>.
/// </summary>
internal sealed class Http1Engine(ProxyState state, ProxyOptions options, ProxyMetrics metrics, AccessLog? accessLog, TimeProvider time)
{
    public ProxyState State => state;

    public ProxyOptions Options => options;

    public ProxyMetrics Metrics => metrics;

    public AccessLog? AccessLog => accessLog;

    public TimeProvider Time => time;

    public HeadLimits Limits { get; } = HeadLimits.From(options);

    public async Task OnConnectionAsync(ConnectionContext connection, bool https)
    {
        using var session = new Http1Session(this, connection, https);
        await session.RunAsync();
    }
}
