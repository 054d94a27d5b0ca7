using CloudIngress.Proxy.Backends;
using CloudIngress.Proxy.Forwarding;
using CloudIngress.Proxy.Forwarding.Http1;
using CloudIngress.Proxy.Routing;
using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace CloudIngress.Proxy.Engine;

/// <summary>A request to a plain HTTP/1.1 backend: pooled connection, retries, the exchange and its response head.</summary>
internal sealed partial class Http1Session
{
    [AsyncMethodBuilder(typeof(PooledTaskBuilder<>))]
    private async ValueTask<bool> ForwardAsync(CompiledRoute? route, BackendRuntime backend, long bodyLimit)
    {
        var endpoint = backend.Pick(Environment.TickCount64 * TimeSpan.TicksPerMillisecond);
        if (endpoint is null)
        {
            return await RespondAsync(503, "no ready endpoints for this backend");
        }

        var retryable = !_head.HasBody && IsIdempotent(_head.Method);
        for (var attempt = 1; ; attempt++)
        {
            var started = endpoint; // the one counted, whatever the retry picks next
            started.RequestStarted();
            try
            {
                _upstreamAuthority = endpoint.Authority;
                var pool = endpoint.Connections(backend.Transport.Key.ConnectTimeout);
                Http1Connection upstream;
                try
                {
                    // A request that can be replayed skips the liveness poll: a pooled connection the
                    // backend closed meanwhile fails before any answer, and the request goes again on a new one.
                    upstream = await pool.RentAsync(CancellationToken.None, checkAlive: !retryable);
                }
                catch (UpstreamConnectException e)
                {
                    if (ConnectFailed(backend, endpoint, e, retryable && attempt < Math.Min(3, backend.Endpoints.Length)) is { } next)
                    {
                        endpoint = next;
                        continue;
                    }

                    return await RespondAsync(e.TimedOut ? 504 : 502, e.TimedOut ? "timed out connecting to the backend" : "could not connect to the backend");
                }

                var keep = await ExchangeAsync(route, backend, pool, upstream, bodyLimit, replayable: retryable);
                if (_replay)
                {
                    _replay = false;
                    upstream = await pool.ConnectAsync(CancellationToken.None);
                    keep = await ExchangeAsync(route, backend, pool, upstream, bodyLimit, replayable: false);
                }

                return keep;
            }
            finally
            {
                started.RequestEnded();
            }
        }
    }

    /// <summary>
    /// Nothing was sent: the endpoint leaves rotation for the passive-health window, and a request
    /// that may be retried gets another endpoint (null: answer with the failure).
    /// </summary>
    private EndpointState? ConnectFailed(BackendRuntime backend, EndpointState endpoint, UpstreamConnectException e, bool retry)
    {
        var now = Environment.TickCount64 * TimeSpan.TicksPerMillisecond;
        endpoint.MarkConnectFailure(now + _engine.Options.PassiveHealthWindow.Ticks);
        _engine.Metrics.UpstreamError(backend.Id, e.TimedOut ? "connect_timeout" : "connect");
        return retry ? backend.Pick(now, exclude: endpoint) : null;
    }

    /// <summary><paramref name="replayable"/>: a reused connection found closed before any answer sets <see cref="_replay"/> instead of failing.</summary>
    [AsyncMethodBuilder(typeof(PooledTaskBuilder<>))]
    private async ValueTask<bool> ExchangeAsync(CompiledRoute? route, BackendRuntime backend, Http1ConnectionPool pool, Http1Connection upstream,
        long bodyLimit, bool replayable)
    {
        var answered = false;
        _responseStarted = false;
        var keepUpstream = false;
        var timeout = route?.Policy?.RequestTimeout ?? _engine.Options.RequestTimeout;
        _upstream = upstream;
        Arm(timeout);
        try
        {
            WriteUpstreamHead(route, upstream);
            var bodyDone = !_head.HasBody || TryCoalesceBody(upstream);
            await SendAsync(upstream, upstream.RequestHead.WrittenMemory);
            if (!bodyDone)
            {
                if (_head.ExpectContinue)
                {
                    _output.Write("HTTP/1.1 100 Continue\r\n\r\n"u8);
                    await FlushAsync();
                }

                _received = await SendBodyAsync(upstream, bodyLimit, timeout);
            }

            while (!ResponseHeadReady(upstream))
            {
                if (!upstream.Received(await upstream.ReceiveAsync(CancellationToken.None)))
                {
                    throw new IOException("the backend closed the connection before answering");
                }
            }

            answered = true;
            if (_response.Status == 101 && _head.IsUpgrade)
            {
                _status = 101;
                _response.WriteFor(upstream.Buffered[.._response.Length], _output, _date, close: false);
                upstream.Consume(_response.Length);
                Disarm();
                await TunnelAsync(upstream);
                return false;
            }

            var hasBody = _response.HasBody(_head.IsMethod("HEAD"u8));
            var framed = !hasBody || _response.Chunked || _response.ContentLength >= 0;
            var dechunk = hasBody && _response.Chunked && !_head.Http11;
            var close = !_head.KeepAlive || !framed || dechunk || _closeRequested;
            _status = _response.Status;
            upstream.RequestHead.ResetWrittenCount();
            _response.WriteFor(upstream.Buffered[.._response.Length], upstream.RequestHead, _date, close, dechunk);
            upstream.Consume(_response.Length);
            _pendingHead = upstream;
            if (!_response.Chunked)
            {
                CommitHead();
            }

            if (hasBody)
            {
                _sent = _response.Chunked ? await CopyChunkedAsync(upstream, timeout, dechunk)
                    : _response.ContentLength >= 0 ? await CopyFixedAsync(upstream, _response.ContentLength, timeout)
                    : await CopyUntilCloseAsync(upstream, timeout);
            }

            await FlushAsync();
            keepUpstream = _response.KeepAlive && framed;
            return !close;
        }
        catch (ClientGoneException)
        {
            _status = 499;
            return false;
        }
        catch (RequestBodyException e)
        {
            return _responseStarted ? Abort() : await RespondAndCloseAsync(e.Status, e.Message);
        }
        catch (Exception e) when (e is (IOException and not UpstreamProtocolException) or SocketException && replayable && !answered && upstream.Reused && upstream.IsDrained && !_timedOut)
        {
            _replay = true; // the backend had closed the pooled connection: nothing of this request was served
            return false;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or UpstreamProtocolException)
        {
            if (_responseStarted)
            {
                return Abort(); // too late for a status: the only honest signal left is a broken stream
            }

            var (status, reason, message) = _timedOut ? (504, "timeout", "the backend did not answer in time")
                : e is UpstreamProtocolException ? (502, "protocol", "the backend's answer was not valid HTTP: " + e.Message)
                : (502, "reset", "the backend closed the connection");
            _engine.Metrics.UpstreamError(backend.Id, reason);
            return await RespondAndCloseAsync(status, message);
        }
        finally
        {
            Disarm();
            _upstream = null;
            _pendingHead = null;
            if (keepUpstream)
            {
                pool.Return(upstream);
            }
            else
            {
                upstream.Dispose();
            }
        }
    }

    private void CommitHead()
    {
        if (_pendingHead is { } upstream)
        {
            _output.Write(upstream.RequestHead.WrittenSpan);
            _pendingHead = null;
            _responseStarted = true;
        }
    }

    private void WriteUpstreamHead(CompiledRoute? route, Http1Connection upstream)
    {
        var head = upstream.RequestHead;
        head.ResetWrittenCount();
        var forwarded = new ForwardedFor(_client, _https, _localPort, _engine.Options.AddForwardedHeader);
        if (route?.Policy?.RewriteTarget is { } rewrite)
        {
            var target = Hosting.ProxyRequestHandler.Rewrite(route, rewrite, RequestRouting.PathString(_head), Encoding.Latin1.GetString(_head.Query));
            UpstreamHeadWriter.Write(head, _head, Encoding.Latin1.GetBytes(target), forwarded);
        }
        else
        {
            UpstreamHeadWriter.Write(head, _head, _head.PathAndQuery, forwarded);
        }
    }

    /// <summary>A small body already here goes out in the same send as the head.</summary>
    private bool TryCoalesceBody(Http1Connection upstream)
    {
        if (_head.Chunked || _head.ExpectContinue || _head.ContentLength > CoalesceBody || !_input.TryRead(out var result))
        {
            return false;
        }

        var buffer = result.Buffer;
        if (buffer.Length < _head.ContentLength)
        {
            _input.AdvanceTo(buffer.Start);
            return false;
        }

        var body = buffer.Slice(0, _head.ContentLength);
        foreach (var segment in body)
        {
            upstream.RequestHead.Write(segment.Span);
        }

        _input.AdvanceTo(body.End);
        _received = _head.ContentLength;
        return true;
    }

    private static ValueTask SendAsync(Http1Connection upstream, ReadOnlyMemory<byte> data)
    {
        if (data.IsEmpty)
        {
            return default;
        }

        var send = upstream.Socket.SendAsync(data, SocketFlags.None);
        if (!send.IsCompletedSuccessfully)
        {
            return SendRestAsync(upstream, data, send);
        }

        var sent = send.Result;
        return sent == data.Length ? default : SendRestAsync(upstream, data[sent..], new ValueTask<int>(0));
    }

    [AsyncMethodBuilder(typeof(PooledTaskBuilder))]
    private static async ValueTask SendRestAsync(Http1Connection upstream, ReadOnlyMemory<byte> data, ValueTask<int> pending)
    {
        data = data[await pending..];
        while (!data.IsEmpty)
        {
            data = data[await upstream.Socket.SendAsync(data, SocketFlags.None)..];
        }
    }

    private static bool IsIdempotent(ReadOnlySpan<byte> method) =>
        method.SequenceEqual("GET"u8) || method.SequenceEqual("HEAD"u8) || method.SequenceEqual("OPTIONS"u8)
        || method.SequenceEqual("TRACE"u8) || method.SequenceEqual("PUT"u8) || method.SequenceEqual("DELETE"u8);
}
