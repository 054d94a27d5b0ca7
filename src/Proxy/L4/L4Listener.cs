using CloudIngress.Proxy.Observability;
using CloudIngress.Proxy.Policies;
using CloudIngress.Proxy.Routing;
using CloudIngress.Proxy.Tls;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using System.Collections.Concurrent;
using System.Net;

namespace CloudIngress.Proxy.L4;

/// <summary>
/// One bound L4 port. Each accepted connection is served on the route table current when it
/// arrived, which it holds (and so its pool and endpoint states) until it closes: a reload that
/// keeps the port changes nothing for it. <see cref="Unbind"/> stops accepting at once; the
/// transport (its memory pool feeds the connections' pipes) is disposed only when the accept loop
/// and the last connection are done.
/// </summary>
internal sealed partial class L4Listener
{
    private readonly IConnectionListener _listener;
    private readonly ProxyState _state;
    private readonly ProxyOptions _options;
    private readonly ProxyMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Holders _holders = new(); // the accept loop's hold, plus one per connection
    private readonly ConcurrentDictionary<ConnectionContext, byte> _connections = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private L4Listener(IConnectionListener listener, int port, ProxyState state, ProxyOptions options, ProxyMetrics metrics, ILogger logger)
    {
        _listener = listener;
        Port = port;
        _state = state;
        _options = options;
        _metrics = metrics;
        _logger = logger;
    }

    public int Port { get; }

    /// <summary>Completes when the port is unbound, every connection has ended and the transport is disposed.</summary>
    public Task Drained => _drained.Task;

    /// <summary>Binds the port (throws <see cref="AddressInUseException"/> or a socket error) and starts accepting.</summary>
    public static L4Listener Open(IConnectionListenerFactory transport, IPEndPoint endpoint, ProxyState state, ProxyOptions options, ProxyMetrics metrics, ILogger logger)
    {
        // The socket transport binds synchronously; Apply is synchronous and must know at once whether the port is ours.
        var bound = transport.BindAsync(endpoint).AsTask().GetAwaiter().GetResult();
        var listener = new L4Listener(bound, endpoint.Port, state, options, metrics, logger);
        _ = listener.AcceptAsync();
        return listener;
    }

    /// <summary>Stops accepting: new connects are refused, connections in flight carry on.</summary>
    public void Unbind() => _listener.UnbindAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Cuts the connections still open (shutdown after its grace period).</summary>
    public void Abort()
    {
        foreach (var connection in _connections.Keys)
        {
            connection.Abort(new ConnectionAbortedException("the proxy is shutting down"));
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (await _listener.AcceptAsync() is { } connection)
            {
                _holders.TryRetain(); // always succeeds: the loop's own hold keeps the count above zero
                _connections[connection] = 0;
                _ = ServeAsync(connection);
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            // Unbound while waiting: the loop is over.
        }
        finally
        {
            await ReleaseAsync();
        }
    }

    private async Task ServeAsync(ConnectionContext connection)
    {
        _metrics.ConnectionOpened();
        var table = _state.Acquire();
        try
        {
            // No route: a swap removed the port between the accept and now; the unbind follows.
            if (table.L4.TryGetValue(Port, out var route))
            {
                await SpliceAsync(connection, route);
            }
        }
        finally
        {
            table.Release();
            await connection.DisposeAsync();
            _connections.TryRemove(connection, out _);
            _metrics.ConnectionClosed();
            await ReleaseAsync();
        }
    }

    private async Task SpliceAsync(ConnectionContext connection, L4Route route)
    {
        // Checked before a byte goes anywhere: a refused client never reaches a pod, not even its PROXY header.
        if (!EdgePolicy.IsAllowed(route.AllowedSources, (connection.RemoteEndPoint as IPEndPoint)?.Address))
        {
            LogRefused(_logger, connection.RemoteEndPoint?.ToString(), route.Service, Port);
            return;
        }

        _metrics.L4Connection(route.FrontendId, Port);
        await PassthroughSplicer.SpliceAsync(connection, route.Backend, _options, _metrics, _logger);
    }

    private async Task ReleaseAsync()
    {
        if (_holders.Release())
        {
            await _listener.DisposeAsync();
            _drained.TrySetResult();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "L4 connection from {Client} to Service {Service} port {Port} refused by its source ranges")]
    private static partial void LogRefused(ILogger logger, string? client, string service, int port);
}
