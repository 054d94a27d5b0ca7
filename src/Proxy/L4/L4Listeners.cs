using CloudIngress.Proxy.Observability;
using CloudIngress.Proxy.Routing;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using System.Net;
using System.Net.Sockets;

namespace CloudIngress.Proxy.L4;

/// <summary>
/// The TCP listeners of L4 frontends, following the route table: each swap opens the ports that
/// are new, keeps the ones still wanted (their connections carry on) and unbinds the ones no
/// longer wanted, whose connections finish on the table they started with. They are bound here,
/// with Kestrel's socket transport, because Kestrel's own listeners are fixed at start. A port
/// that cannot be bound is logged and tried again on the next swap; it never stops the others.
/// </summary>
internal sealed partial class L4Listeners : IAsyncDisposable
{
    private readonly ProxyState _state;
    private readonly ProxyOptions _options;
    private readonly ProxyMetrics _metrics;
    private readonly ILogger _logger;
    private readonly SocketTransportFactory _transport;
    private readonly Dictionary<int, L4Listener> _open = [];
    private readonly List<L4Listener> _closing = [];
    private readonly Lock _lock = new();

    // Problems already logged, so a reload logs what is new and not the same lines every time.
    private HashSet<string> _reported = [];

    public L4Listeners(ProxyState state, ProxyOptions options, ProxyMetrics metrics, ILoggerFactory loggers)
    {
        _state = state;
        _options = options;
        _metrics = metrics;
        _logger = loggers.CreateLogger("CloudIngress.Proxy.L4");
        _transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions { UnsafePreferInlineScheduling = true }), loggers);
    }

    /// <summary>The ports listened on now.</summary>
    public IReadOnlyList<int> Ports
    {
        get
        {
            lock (_lock)
            {
                return [.. _open.Keys.Order()];
            }
        }
    }

    /// <summary>Makes the listeners match the table's L4 ports; <paramref name="reserved"/> are the proxy's own ports, by use.</summary>
    public void Follow(RouteTable table, IReadOnlyDictionary<int, string> reserved)
    {
        lock (_lock)
        {
            var reported = new HashSet<string>(StringComparer.Ordinal);
            foreach (var udp in table.L4Udp)
            {
                if (Report(reported, $"udp {udp.Service} {udp.Port}"))
                {
                    LogUdpNotServed(_logger, udp.Service, udp.Port);
                }
            }

            var wanted = new Dictionary<int, L4Route>();
            foreach (var (port, route) in table.L4)
            {
                if (!reserved.TryGetValue(port, out var use))
                {
                    wanted[port] = route;
                }
                else if (Report(reported, $"reserved {route.Service} {port}"))
                {
                    LogReserved(_logger, route.Service, port, use);
                }
            }

            foreach (var listener in _open.Values.Where(l => !wanted.ContainsKey(l.Port)).ToList())
            {
                _open.Remove(listener.Port);
                listener.Unbind();
                _closing.Add(listener);
                LogClosed(_logger, listener.Port);
            }

            _closing.RemoveAll(l => l.Drained.IsCompleted);
            foreach (var route in wanted.Values.Where(r => !_open.ContainsKey(r.Port)))
            {
                Open(route, reported);
            }

            _reported = reported;
        }
    }

    /// <summary>Unbinds every port and waits up to <paramref name="grace"/> for the connections, then cuts the rest.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        List<L4Listener> all;
        lock (_lock)
        {
            foreach (var listener in _open.Values)
            {
                listener.Unbind();
                _closing.Add(listener);
            }

            _open.Clear();
            all = [.. _closing];
        }

        var drained = Task.WhenAll(all.Select(l => l.Drained));
        try
        {
            await drained.WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            all.ForEach(l => l.Abort());
            await drained;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.Zero);
    }

    private void Open(L4Route route, HashSet<string> reported)
    {
        var endpoint = new IPEndPoint(IPAddress.Parse(_options.BindAddress), route.Port);
        try
        {
            _open[route.Port] = L4Listener.Open(_transport, endpoint, _state, _options, _metrics, _logger);
            LogOpened(_logger, route.Service, endpoint.ToString());
        }
        catch (Exception e) when (e is AddressInUseException or SocketException)
        {
            if (Report(reported, $"bind {route.Service} {route.Port}"))
            {
                LogBindFailed(_logger, route.Service, route.Port, endpoint.Address.ToString(), e.Message);
            }
        }
    }

    /// <summary>Keeps the problem for the next swap; true when it was not reported by the last one.</summary>
    private bool Report(HashSet<string> reported, string problem) => reported.Add(problem) && !_reported.Contains(problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "L4 listener for Service {Service} open on {Endpoint}")]
    private static partial void LogOpened(ILogger logger, string service, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "L4 listener on port {Port} closed: no Service asks for it any more; its connections finish")]
    private static partial void LogClosed(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Error, Message = "Service {Service} port {Port}/TCP is not served: {Address}:{Port} could not be bound ({Reason}); tried again on the next reload")]
    private static partial void LogBindFailed(ILogger logger, string service, int port, string address, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Service {Service} port {Port}/TCP is refused: it is the proxy's {Use} port")]
    private static partial void LogReserved(ILogger logger, string service, int port, string use);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {Service} port {Port}/UDP is not served: UDP is not served by the Kestrel data plane")]
    private static partial void LogUdpNotServed(ILogger logger, string service, int port);
}
