using CloudIngress.Proxy.Backends;
using CloudIngress.Proxy.Forwarding;
using CloudIngress.Proxy.Routing;
using System.Buffers;
using System.Buffers.Text;
using System.Net;
using System.Security.Authentication;
using System.Text;

namespace CloudIngress.Proxy.Engine;

/// <summary>
/// Backends the pooled HTTP/1.1 client does not speak (TLS to the pod, HTTP/2) are reached
/// through the pool's SocketsHttpHandler, as on the HttpContext path; the client side stays on
/// the engine. This costs the allocations of an HttpRequestMessage, which is why plain
/// HTTP/1.1 backends do not go this way.
/// </summary>
internal sealed partial class Http1Session
{
    private static readonly UriCreationOptions RawUri = new() { DangerousDisablePathAndQueryCanonicalization = true };
    private long _bodyRemaining;
    private long _bodyRead;
    private long _bodyLimit;

    private async ValueTask<bool> ForwardThroughInvokerAsync(CompiledRoute? route, BackendRuntime backend, long bodyLimit)
    {
        var endpoint = backend.Pick(Environment.TickCount64 * TimeSpan.TicksPerMillisecond);
        if (endpoint is null)
        {
            return await RespondAsync(503, "no ready endpoints for this backend");
        }

        var retryable = !_head.HasBody && IsIdempotent(_head.Method);
        for (var attempt = 1; ; attempt++)
        {
            _upstreamAuthority = endpoint.Authority;
            var started = endpoint; // the one counted, whatever the retry picks next
            started.RequestStarted();
            using var timeout = new CancellationTokenSource(route?.Policy?.RequestTimeout ?? _engine.Options.RequestTimeout, _engine.Time);
            try
            {
                using var request = CreateRequest(route, backend.Transport, endpoint, bodyLimit);
                using var response = await backend.Transport.Invoker.SendAsync(request, timeout.Token);
                if (response.StatusCode == HttpStatusCode.SwitchingProtocols && _head.IsUpgrade)
                {
                    await TunnelAsync(response);
                    return false;
                }

                return await RelayAsync(response, timeout.Token);
            }
            catch (Exception e) when (Find<UpstreamConnectException>(e) is { } connect)
            {
                if (ConnectFailed(backend, endpoint, connect, retryable && attempt < Math.Min(3, backend.Endpoints.Length)) is { } next)
                {
                    endpoint = next;
                    continue;
                }

                return await FailAsync(connect.TimedOut ? 504 : 502, connect.TimedOut ? "timed out connecting to the backend" : "could not connect to the backend");
            }
            catch (Exception e) when (Find<ClientGoneException>(e) is not null)
            {
                _status = 499;
                return false;
            }
            catch (Exception e) when (Find<RequestBodyException>(e) is { } body)
            {
                return await FailAsync(body.Status, body.Message);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                _engine.Metrics.UpstreamError(backend.Id, "timeout");
                return await FailAsync(504, "the backend did not answer in time");
            }
            catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException or AuthenticationException or OperationCanceledException)
            {
                var tls = Find<AuthenticationException>(e) is not null;
                _engine.Metrics.UpstreamError(backend.Id, tls ? "tls" : "reset");
                return await FailAsync(502, tls ? "the backend's TLS certificate was not accepted" : "the backend closed the connection");
            }
            finally
            {
                started.RequestEnded();
            }
        }
    }

    private ValueTask<bool> FailAsync(int status, string message) => _responseStarted ? ValueTask.FromResult(Abort()) : RespondAndCloseAsync(status, message);

    private HttpRequestMessage CreateRequest(CompiledRoute? route, UpstreamTransport transport, EndpointState endpoint, long bodyLimit)
    {
        var pathAndQuery = route?.Policy?.RewriteTarget is { } rewrite
            ? Hosting.ProxyRequestHandler.Rewrite(route, rewrite, RequestRouting.PathString(_head), Encoding.Latin1.GetString(_head.Query))
            : Encoding.Latin1.GetString(_head.PathAndQuery);
        var request = new HttpRequestMessage(new HttpMethod(Encoding.ASCII.GetString(_head.Method)), new Uri(endpoint.HttpBase + pathAndQuery, RawUri))
        {
            Version = _head.IsUpgrade ? HttpVersion.Version11 : transport.Version,
            VersionPolicy = _head.IsUpgrade ? HttpVersionPolicy.RequestVersionExact : transport.VersionPolicy,
        };

        if (_head.IsUpgrade && _head.TryGetValue("Upgrade"u8, out var upgrade))
        {
            request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
            request.Headers.TryAddWithoutValidation("Upgrade", Encoding.Latin1.GetString(upgrade));
        }
        else if (_head.HasBody)
        {
            _bodyRemaining = _head.ContentLength;
            _bodyRead = 0;
            _bodyLimit = bodyLimit;
            _requestChunks.Reset();
            request.Content = new RequestBodyContent(new BodyStream(this), _head.Chunked ? null : _head.ContentLength, CancellationToken.None);
        }

        _head.TryGetValue("Connection"u8, out var connection);
        for (var i = 0; i < _head.HeaderCount; i++)
        {
            var name = _head.Name(i);
            if (HeaderPolicy.DropFromRequest(name, connection))
            {
                continue;
            }

            var text = Encoding.ASCII.GetString(name);
            var value = Encoding.Latin1.GetString(_head.Value(i));
            if (!request.Headers.TryAddWithoutValidation(text, value))
            {
                request.Content?.Headers.TryAddWithoutValidation(text, value);
            }
        }

        var host = Encoding.Latin1.GetString(_head.Host);
        request.Headers.Host = host;
        foreach (var (name, value) in HeaderPolicy.ForwardedFields(_client, _https, host, _localPort, _engine.Options.AddForwardedHeader))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    /// <summary>The response as HTTP/1.1: its length when known, else chunked (HTTP/1.0 clients: until close).</summary>
    private async Task<bool> RelayAsync(HttpResponseMessage response, CancellationToken token)
    {
        _status = (int)response.StatusCode;
        var bodyless = _head.IsMethod("HEAD"u8) || _status is 204 or 304 || _status < 200;
        var length = response.Content.Headers.ContentLength;
        var chunked = !bodyless && length is null && _head.Http11;
        var close = !_head.KeepAlive || _closeRequested || (!bodyless && length is null && !chunked);
        WriteResponseHead(response, length, chunked, close);
        _responseStarted = true;
        if (!bodyless)
        {
            await using var body = await response.Content.ReadAsStreamAsync(token);
            while (true)
            {
                var memory = _output.GetMemory(StreamCopy.BufferSize);
                var read = await body.ReadAsync(memory[(chunked ? 10 : 0)..^(chunked ? 2 : 0)], token);
                if (read == 0)
                {
                    break;
                }

                if (chunked)
                {
                    // size line (eight hex digits, leading zeros allowed) in front of the data, CRLF after it
                    var prefix = memory.Span[..10];
                    Utf8Formatter.TryFormat(read, prefix, out _, new StandardFormat('X', 8));
                    prefix[8] = (byte)'\r';
                    prefix[9] = (byte)'\n';
                    "\r\n"u8.CopyTo(memory.Span[(10 + read)..]);
                    _output.Advance(10 + read + 2);
                }
                else
                {
                    _output.Advance(read);
                }

                _sent += read;
                await FlushAsync();
            }

            if (chunked)
            {
                _output.Write("0\r\n\r\n"u8);
            }
        }

        await FlushAsync();
        return !close;
    }

    private async Task TunnelAsync(HttpResponseMessage response)
    {
        _status = 101;
        WriteResponseHead(response, null, chunked: false, close: false);
        _responseStarted = true;
        await FlushAsync();
        await using var upstream = await response.Content.ReadAsStreamAsync();
        await TunnelAsync(upstream);
    }

    private void WriteResponseHead(HttpResponseMessage response, long? length, bool chunked, bool close)
    {
        var switching = _status == 101;
        _output.Write("HTTP/1.1 "u8);
        var span = _output.GetSpan(3);
        Utf8Formatter.TryFormat(_status, span, out var written);
        _output.Advance(written);
        _output.Write(" "u8);
        Latin1(Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(_status));
        _output.Write("\r\n"u8);
        var listed = response.Headers.TryGetValues("Connection", out var connection) ? HeaderPolicy.Listed(connection) : null;
        var dated = false;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            dated |= name.Equals("Date", StringComparison.OrdinalIgnoreCase);
            // The framing below is the engine's own: the backend's length is not copied.
            if (HeaderPolicy.DropFromReframedResponse(name, listed, switching) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var value in values)
            {
                Latin1(name);
                _output.Write(": "u8);
                Latin1(value);
                _output.Write("\r\n"u8);
            }
        }

        if (length is { } known)
        {
            _output.Write("Content-Length: "u8);
            span = _output.GetSpan(20);
            Utf8Formatter.TryFormat(known, span, out written);
            _output.Advance(written);
            _output.Write("\r\n"u8);
        }

        if (chunked)
        {
            _output.Write("Transfer-Encoding: chunked\r\n"u8);
        }

        if (!dated)
        {
            _date.WriteTo(_output); // RFC 9110 §6.6.1: SocketsHttpHandler does not date an undated answer
        }

        _output.Write(close ? "Connection: close\r\n\r\n"u8 : "\r\n"u8);
    }

    private void Latin1(string text)
    {
        var span = _output.GetSpan(text.Length);
        _output.Advance(Encoding.Latin1.GetBytes(text, span));
    }

    /// <summary>The request body's data (chunked framing removed), read from the client's pipe.</summary>
    private async ValueTask<int> ReadBodyAsync(Memory<byte> destination)
    {
        while (true)
        {
            if (_head.Chunked ? _requestChunks.IsDone : _bodyRemaining == 0)
            {
                return 0;
            }

            var result = await _input.ReadAsync();
            var buffer = result.Buffer;
            if (_head.Chunked)
            {
                var reader = new SequenceReader<byte>(buffer);
                var status = _requestChunks.Read(ref reader, out var data);
                if (status == ChunkStatus.Invalid)
                {
                    throw new RequestBodyException(400, _requestChunks.Error ?? "invalid chunked body");
                }

                var copied = (int)Math.Min(data.Length, destination.Length);
                if (status == ChunkStatus.Data)
                {
                    data.Slice(0, copied).CopyTo(destination.Span);
                    _requestChunks.Unread(data.Length - copied);
                    _input.AdvanceTo(data.GetPosition(copied));
                    return Counted(copied);
                }

                _input.AdvanceTo(reader.Position, buffer.End);
            }
            else if (!buffer.IsEmpty)
            {
                var take = (int)Math.Min(Math.Min(_bodyRemaining, buffer.Length), destination.Length);
                buffer.Slice(0, take).CopyTo(destination.Span);
                _input.AdvanceTo(buffer.GetPosition(take));
                _bodyRemaining -= take;
                return Counted(take);
            }
            else
            {
                _input.AdvanceTo(buffer.End);
            }

            if (result.IsCompleted)
            {
                throw new ClientGoneException();
            }
        }
    }

    private int Counted(int read)
    {
        _bodyRead += read;
        _received = _bodyRead;
        return _bodyRead > _bodyLimit ? throw new RequestBodyException(413, "request body too large") : read;
    }

    private static T? Find<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    private sealed class BodyStream(Http1Session session) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => session.ReadBodyAsync(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            session.ReadBodyAsync(buffer.AsMemory(offset, count)).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("the body is read asynchronously");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
