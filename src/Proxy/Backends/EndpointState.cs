using System.Net;

namespace CloudIngress.Proxy.Backends;

/// <summary>
/// One endpoint of a pool with its live state: requests in flight, passive health (connect
/// failures take it out for a while) and active health (probe results). Shared between route
/// tables so that a config swap does not forget what we learnt about an endpoint.
/// </summary>
internal sealed class EndpointState(string address, int port) : IDisposable
{
    private Forwarding.Http1.Http1ConnectionPool? _connections;
    private int _active;
    private long _outUntilTicks;
    private int _probeFailures;
    private int _probeSuccesses;

    public string Address => address;

    public int Port => port;

    /// <summary><c>10.0.0.1:8080</c> or <c>[fd00::1]:8080</c>.</summary>
    public string Authority { get; } = FormatAuthority(address, port);

    /// <summary>The base URI of requests; always http: TLS, when the pool wants it, happens in the connect callback.</summary>
    public string HttpBase { get; } = "http://" + FormatAuthority(address, port);

    public EndPoint EndPoint { get; } = IPAddress.TryParse(address, out var parsed)
        ? new IPEndPoint(parsed, port)
        : new DnsEndPoint(address, port);

    private static string FormatAuthority(string address, int port) =>
        IPAddress.TryParse(address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{address}]:{port}"
            : $"{address}:{port}";

    /// <summary>Kept-alive HTTP/1.1 connections to this endpoint, made on first use.</summary>
    public Forwarding.Http1.Http1ConnectionPool Connections(TimeSpan connectTimeout)
    {
        if (_connections is { } existing)
        {
            return existing;
        }

        var created = new Forwarding.Http1.Http1ConnectionPool(EndPoint, Authority, connectTimeout);
        var winner = Interlocked.CompareExchange(ref _connections, created, null);
        if (winner is not null)
        {
            created.Dispose();
            return winner;
        }

        return created;
    }

    public void Dispose() => _connections?.Dispose();

    public int ActiveRequests => Volatile.Read(ref _active);

    /// <summary>False while an active health check says the endpoint is down.</summary>
    public bool ProbeHealthy { get; private set; } = true;

    public bool IsAvailable(long nowTicks) => ProbeHealthy && nowTicks >= Volatile.Read(ref _outUntilTicks);

    public void RequestStarted() => Interlocked.Increment(ref _active);

    public void RequestEnded() => Interlocked.Decrement(ref _active);

    /// <summary>Passive health: a failed connect takes the endpoint out of rotation until then.</summary>
    public void MarkConnectFailure(long untilTicks) => Volatile.Write(ref _outUntilTicks, untilTicks);

    /// <summary>Active health with thresholds: flips only after that many results in a row.</summary>
    public void RecordProbe(bool success, int healthyThreshold, int unhealthyThreshold)
    {
        if (success)
        {
            _probeFailures = 0;
            if (++_probeSuccesses >= healthyThreshold)
            {
                ProbeHealthy = true;
            }
        }
        else
        {
            _probeSuccesses = 0;
            if (++_probeFailures >= unhealthyThreshold)
            {
                ProbeHealthy = false;
            }
        }
    }
}
