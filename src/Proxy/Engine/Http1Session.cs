using CloudIngress.Core.Model;
using CloudIngress.Proxy.Forwarding.Http1;
using CloudIngress.Proxy.Observability;
using CloudIngress.Proxy.Policies;
using CloudIngress.Proxy.Routing;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace CloudIngress.Proxy.Engine;

/// <summary>
/// One client connection on the engine: a keep-alive loop of strict head parse → route → edge
/// policy → action, with the request forwarded over a pooled upstream connection and the
/// response relayed as framed. One timer per connection guards the phase it is in (keep-alive
/// idle, head, backend wait); a refused head gets its 400/414/431 and the connection is closed.
/// Everything here is reused from request to request.
/// </summary>
internal sealed partial class Http1Session : IDisposable
{
    private const int CoalesceBody = 16 * 1024;
    private const int MaxResponseHead = 64 * 1024;

    private readonly Http1Engine _engine;
    private readonly ConnectionContext _connection;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly bool _https;
    private readonly RequestHead _head;
    private readonly ResponseFraming _response = new();
    private readonly DateHeader _date;
    private readonly ITimer _timer;
    private readonly CancellationTokenRegistration _closing;
    private readonly IPAddress? _client;
    private readonly int _localPort;
    private ChunkedDecoder _requestChunks;
    private ChunkedDecoder _responseChunks;
    private volatile bool _timedOut;
    private volatile bool _closeRequested;
    private volatile Http1Connection? _upstream;

    // A backend's response head waits in its connection's (already sent) request-head buffer until
    // the body's first bytes check out: until then a bad answer can still become a clean 502.
    private Http1Connection? _pendingHead;
    private bool _responseStarted;

    // The pooled connection was found closed before any answer: the request goes again on a new one.
    private bool _replay;

    // The request in hand, for metrics and the access log.
    private int _status;
    private string? _upstreamAuthority;
    private long _sent;
    private long _received;
    private string? _user;

    public Http1Session(Http1Engine engine, ConnectionContext connection, bool https)
    {
        _engine = engine;
        _connection = connection;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        _https = https;
        _head = new RequestHead(engine.Limits);
        _date = new DateHeader(engine.Time);
        _requestChunks = new ChunkedDecoder(engine.Limits.MaxHeadersTotal);
        _responseChunks = new ChunkedDecoder(MaxResponseHead);
        _timer = engine.Time.CreateTimer(static s => ((Http1Session)s!).OnTimeout(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _client = (connection.RemoteEndPoint as IPEndPoint)?.Address is { } address && address.IsIPv4MappedToIPv6 ? address.MapToIPv4()
            : (connection.RemoteEndPoint as IPEndPoint)?.Address;
        _localPort = (connection.LocalEndPoint as IPEndPoint)?.Port ?? 0;
        if (connection.Features.Get<IConnectionLifetimeNotificationFeature>() is { } lifetime)
        {
            _closing = lifetime.ConnectionClosedRequested.Register(static s => ((Http1Session)s!).OnCloseRequested(), this);
        }
    }

    public async Task RunAsync()
    {
        try
        {
            for (var first = true; !_closeRequested; first = false)
            {
                _head.Reset();
                var parse = await ReadHeadAsync(first);
                if (parse is HeadParse.Invalid)
                {
                    await RespondAndCloseAsync(_head.ErrorStatus, _head.ErrorReason ?? "bad request");
                    return;
                }

                if (parse is not HeadParse.Complete)
                {
                    return;
                }

                // The request, here rather than in a method of its own: the wait for the backend
                // then resumes one state machine fewer on its way back.
                var started = Stopwatch.GetTimestamp();
                StartRequest();
                var table = _engine.State.Acquire();
                try
                {
                    var listener = _https ? table.Https : table.Http;
                    if (!RequestRouting.TryMatch(listener, _head, out var route))
                    {
                        await RespondAndCloseAsync(400, "the path is not valid UTF-8");
                        return;
                    }

                    var metrics = route?.Metrics ?? listener.DefaultMetrics;
                    var keep = await DispatchAsync(route, route?.Action ?? listener.DefaultAction);
                    EndRequest(metrics, started);
                    if (!keep)
                    {
                        return;
                    }
                }
                finally
                {
                    table.Release();
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ConnectionResetException or ObjectDisposedException or OperationCanceledException or ClientGoneException)
        {
            // The client went away or the connection was aborted: nothing left to answer.
        }
        finally
        {
            await _output.FlushAsync();
        }
    }

    public void Dispose()
    {
        _closing.Dispose();
        _timer.Dispose();
        _upstream?.Dispose();
    }

    private void OnTimeout()
    {
        _timedOut = true;
        _input.CancelPendingRead();
        if (_upstream is { } upstream)
        {
            // Forwarding: a wait on the backend (or on a client not reading) ends now; the request maps it to 504.
            _output.CancelPendingFlush();
            upstream.Socket.Dispose();
        }
    }

    /// <summary>Shutdown: an idle connection ends now, a busy one after its response.</summary>
    private void OnCloseRequested()
    {
        _closeRequested = true;
        _input.CancelPendingRead();
    }

    private void Arm(TimeSpan timeout)
    {
        _timedOut = false;
        _timer.Change(timeout, Timeout.InfiniteTimeSpan);
    }

    private void Disarm() => _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    // The methods from here to the upstream receive wait once per request (for the client's next
    // head, then for the backend's answer): the pooled builder reuses their state-machine boxes
    // instead of allocating one per method per request (see PooledTaskBuilder).
    /// <summary>Null when the connection ended (closed, idle too long, head too slow, shutdown) before a head.</summary>
    [AsyncMethodBuilder(typeof(PooledTaskBuilder<>))]
    private async ValueTask<HeadParse?> ReadHeadAsync(bool first)
    {
        var options = _engine.Options;
        var started = false;
        Arm(first ? options.RequestHeadersTimeout : options.KeepAliveTimeout);
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync();
                var buffer = result.Buffer;
                if (_timedOut)
                {
                    _input.AdvanceTo(buffer.Start);
                    if (started || first)
                    {
                        // A head begun (or a new connection silent) too long; an idle kept-alive one just closes.
                        await RespondAndCloseAsync(408, "request headers too slow");
                    }

                    return null;
                }

                if (buffer.IsEmpty && (result.IsCompleted || _closeRequested))
                {
                    _input.AdvanceTo(buffer.End);
                    return null;
                }

                if (!buffer.IsEmpty && !started)
                {
                    started = true;
                    if (!first)
                    {
                        Arm(options.RequestHeadersTimeout); // the head's own deadline runs from its first byte
                    }
                }

                var parse = result.IsCanceled ? HeadParse.Incomplete : _head.Parse(buffer);
                switch (parse)
                {
                    case HeadParse.Complete:
                        _input.AdvanceTo(buffer.GetPosition(_head.Length));
                        return parse;
                    case HeadParse.Invalid:
                        _input.AdvanceTo(buffer.End);
                        return parse;
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return null;
                }
            }
        }
        finally
        {
            Disarm();
        }
    }

    private void StartRequest()
    {
        _status = 0;
        _upstreamAuthority = null;
        _sent = _received = 0;
        _user = null;
    }

    /// <summary>The request's metrics and access-log line.</summary>
    private void EndRequest(RouteMetrics metrics, long started)
    {
        metrics.Record(_status, Stopwatch.GetTimestamp() - started);
        if (_engine.AccessLog is { } log)
        {
            log.Write(new AccessLogEntry(DateTimeOffset.UtcNow, _client?.ToString(), Encoding.ASCII.GetString(_head.Method),
                Encoding.ASCII.GetString(RoutingKey.HostWithoutPort(_head.Host)), RequestRouting.PathString(_head),
                _head.Http11 ? "HTTP/1.1" : "HTTP/1.0", _status, metrics.Route, _upstreamAuthority,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, _sent, _received, _user));
        }
    }

    // Not async itself: every way out is a call whose task the caller awaits, so a forwarded
    // request does not pass through one more state machine on its way to the backend and back.
    private ValueTask<bool> DispatchAsync(CompiledRoute? route, CompiledAction action)
    {
        if (route?.Policy is { } policy)
        {
            if (!EdgePolicy.IsAllowed(policy.AllowedSources, _client))
            {
                return RespondAsync(403, "your address is not allowed here");
            }

            if (policy.Auth is { } auth)
            {
                _user = auth.Authenticate(_head.TryGetValue("Authorization"u8, out var credentials) ? Encoding.Latin1.GetString(credentials) : null,
                    Environment.TickCount64 * TimeSpan.TicksPerMillisecond);
                if (_user is null)
                {
                    return RespondAsync(401, "authentication required", "WWW-Authenticate", auth.Challenge);
                }
            }
        }

        switch (action.Kind)
        {
            case RouteActionKind.Redirect:
                var port = action.RedirectPort == 443 ? _engine.Options.PublicHttpsPort ?? 443 : action.RedirectPort;
                var host = Encoding.Latin1.GetString(RoutingKey.HostWithoutPort(_head.Host));
                var location = $"https://{host}{(port == 443 ? string.Empty : ":" + port)}{Encoding.Latin1.GetString(_head.PathAndQuery)}";
                return RespondAsync(action.StatusCode, null, "Location", location);
            case RouteActionKind.FixedResponse:
                return RespondAsync(action.StatusCode, action.StatusCode == 404 ? "no route for this host and path" : "fixed response");
        }

        var canary = action.CanaryHeader is { } name && _head.TryGetValue(Encoding.ASCII.GetBytes(name), out var value)
            ? Encoding.Latin1.GetString(value) : null;
        var backend = action.SelectBackend(canary);
        if (backend is null)
        {
            return RespondAsync(503, "no backend for this route");
        }

        var limit = route?.Policy?.MaxRequestBodyBytes is { } routeLimit ? (routeLimit == 0 ? null : routeLimit) : _engine.Options.MaxRequestBodyBytes;
        if (limit is { } max && _head.ContentLength > max)
        {
            return RespondAsync(413, "request body too large");
        }

        if (!backend.Transport.Http1)
        {
            return ForwardThroughInvokerAsync(route, backend, limit ?? long.MaxValue);
        }

        return ForwardAsync(route, backend, limit ?? long.MaxValue);
    }

    [AsyncMethodBuilder(typeof(PooledTaskBuilder<>))]
    private async ValueTask<bool> RespondAsync(int status, string? message, string? extraName = null, string? extraValue = null)
    {
        // A body the client sent along is not read: the connection cannot carry another request.
        var close = _head.HasBody || !_head.KeepAlive || _closeRequested;
        _status = status;
        EngineResponses.Write(_output, _date, status, message, close, _head.IsMethod("HEAD"u8), extraName, extraValue);
        await FlushAsync();
        return !close;
    }

    [AsyncMethodBuilder(typeof(PooledTaskBuilder<>))]
    private async ValueTask<bool> RespondAndCloseAsync(int status, string message)
    {
        _status = status;
        EngineResponses.Write(_output, _date, status, message, close: true, _head.IsMethod("HEAD"u8));
        await FlushAsync();
        return false;
    }

    private bool Abort()
    {
        _connection.Abort(new ConnectionAbortedException("the backend failed after the response started"));
        return false;
    }

    private void ThrowIfTimedOut()
    {
        if (_timedOut)
        {
            throw new IOException("timed out");
        }
    }

    // A flush and a send complete at once unless the peer is slow to read; only then is there
    // an async method to run (the common case skips a state machine per call).
    private ValueTask FlushAsync()
    {
        var flush = _output.FlushAsync();
        if (!flush.IsCompletedSuccessfully)
        {
            return FlushLaterAsync(flush);
        }

        ThrowIfClientGone(flush.Result);
        return default;
    }

    [AsyncMethodBuilder(typeof(PooledTaskBuilder))]
    private async ValueTask FlushLaterAsync(ValueTask<FlushResult> flush) => ThrowIfClientGone(await flush);

    private void ThrowIfClientGone(FlushResult result)
    {
        if (result.IsCompleted || (result.IsCanceled && _timedOut))
        {
            throw new ClientGoneException();
        }
    }

    /// <summary>The client closed its side before the request or response was done.</summary>
    private sealed class ClientGoneException() : Exception("the client went away");

    /// <summary>The request body broke its framing or its limit: answered with its status, then the connection is closed.</summary>
    private sealed class RequestBodyException(int status, string message) : Exception(message)
    {
        public int Status => status;
    }
}
