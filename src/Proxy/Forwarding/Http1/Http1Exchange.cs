using Microsoft.AspNetCore.Http;
using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;

namespace CloudIngress.Proxy.Forwarding.Http1;

/// <summary>
/// One request over the lean HTTP/1.1 path: the head is written straight from Kestrel's request,
/// the body streamed, and the response body read from the socket directly into Kestrel's response
/// pipe. Kept-alive connections go back to the endpoint's pool.
/// </summary>
internal static class Http1Exchange
{
    private const int MaxLine = 8 * 1024;

    /// <summary>Returns the body bytes sent to the client and received from it.</summary>
    public static async Task<(long Sent, long Received)> ExchangeAsync(HttpContext context, Http1ConnectionPool pool,
        ForwardingContext forwarding, CancellationTokenSource timeout)
    {
        var token = timeout.Token;
        var hasBody = UpstreamRequest.HasBody(context);
        var connection = await pool.RentAsync(token);
        var keep = false;
        try
        {
            connection.RequestHead.ResetWrittenCount();
            Http1RequestWriter.Write(connection.RequestHead, context, forwarding, hasBody);
            await Send(connection, connection.RequestHead.WrittenMemory, token);
            var received = hasBody ? await SendBodyAsync(context, connection, token) : 0;
            var head = await ReadHeadAsync(connection, token);
            context.Response.StatusCode = head.Status;
            CopyHeaders(head, context.Response);
            if (!head.HasBody(context.Request.Method))
            {
                // HEAD answers carry the length the GET body would have.
                if (head.ContentLength is { } announced && HttpMethods.IsHead(context.Request.Method))
                {
                    context.Response.ContentLength = announced;
                }

                keep = head.KeepAlive;
                return (0, received);
            }

            try
            {
                var sent = await CopyBodyAsync(connection, context, head, timeout, forwarding.Timeout);
                keep = head.KeepAlive && (head.Chunked || head.ContentLength is not null);
                return (sent, received);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException
                && !context.RequestAborted.IsCancellationRequested && BodyStarted(context))
            {
                // Body bytes already went into the response: no status can be trusted any more.
                context.Abort();
                throw new UpstreamBodyException(e);
            }
        }
        finally
        {
            if (keep)
            {
                pool.Return(connection);
            }
            else
            {
                connection.Dispose();
            }
        }
    }

    private static bool BodyStarted(HttpContext context)
    {
        var writer = context.Response.BodyWriter;
        return context.Response.HasStarted || !writer.CanGetUnflushedBytes || writer.UnflushedBytes > 0;
    }

    private static Task<long> CopyBodyAsync(Http1Connection connection, HttpContext context, Http1ResponseHead head,
        CancellationTokenSource timeout, TimeSpan idle)
    {
        if (head.Chunked)
        {
            return CopyChunkedAsync(connection, context, timeout, idle);
        }

        if (head.ContentLength is { } length)
        {
            context.Response.ContentLength = length;
            return CopyFixedAsync(connection, context.Response.BodyWriter, length, timeout, idle);
        }

        return CopyUntilCloseAsync(connection, context.Response.BodyWriter, timeout, idle);
    }

    private static async Task<Http1ResponseHead> ReadHeadAsync(Http1Connection connection, CancellationToken token)
    {
        while (true)
        {
            Http1ResponseHead? head;
            int consumed;
            while (!Http1ResponseHead.TryParse(connection.Buffered, out head, out consumed))
            {
                if (!await connection.FillAsync(token))
                {
                    throw new UpstreamProtocolException("the backend closed the connection before answering");
                }
            }

            connection.Consume(consumed);
            if (head!.Status >= 200)
            {
                return head;
            }

            // 1xx interim responses (100 Continue, 103 Early Hints) are not passed on; the final one follows.
        }
    }

    private static void CopyHeaders(Http1ResponseHead head, HttpResponse response)
    {
        HashSet<string>? listed = null;
        foreach (var (name, value) in head.Headers)
        {
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                listed = Engine.HeaderPolicy.Listed([value]);
            }
        }

        foreach (var (name, value) in head.Headers)
        {
            // Kestrel frames the body: the length is set from the parsed head, not copied.
            if (Engine.HeaderPolicy.DropFromReframedResponse(name, listed, switching: false)
                || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            response.Headers.Append(name, value);
        }
    }

    private static async Task<long> SendBodyAsync(HttpContext context, Http1Connection connection, CancellationToken token)
    {
        var chunked = context.Request.ContentLength is null;
        var reader = context.Request.BodyReader;
        long total = 0;
        while (true)
        {
            var result = await reader.ReadAsync(token);
            var buffer = result.Buffer;
            if (!buffer.IsEmpty)
            {
                if (chunked)
                {
                    await Send(connection, Encoding.ASCII.GetBytes(buffer.Length.ToString("X", CultureInfo.InvariantCulture) + "\r\n"), token);
                }

                foreach (var segment in buffer)
                {
                    await Send(connection, segment, token);
                }

                if (chunked)
                {
                    await Send(connection, "\r\n"u8.ToArray(), token);
                }

                total += buffer.Length;
            }

            reader.AdvanceTo(buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        if (chunked)
        {
            await Send(connection, "0\r\n\r\n"u8.ToArray(), token);
        }

        return total;
    }

    private static async Task<long> CopyFixedAsync(Http1Connection connection, PipeWriter writer, long length, CancellationTokenSource timeout, TimeSpan idle)
    {
        var remaining = length;
        var buffered = connection.Buffered;
        var take = (int)Math.Min(remaining, buffered.Length);
        if (take > 0)
        {
            writer.Write(buffered[..take]);
            connection.Consume(take);
            remaining -= take;
        }

        if (remaining == 0)
        {
            return length;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(StreamCopy.BufferSize);
        try
        {
            while (remaining > 0)
            {
                timeout.CancelAfter(idle);
                var read = await connection.Socket.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(remaining, buffer.Length)), SocketFlags.None, timeout.Token);
                if (read == 0)
                {
                    throw new UpstreamProtocolException("the backend closed the connection before the end of the body");
                }

                writer.Write(buffer.AsSpan(0, read));
                remaining -= read;
                await Flush(writer, timeout.Token);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return length;
    }

    private static async Task<long> CopyUntilCloseAsync(Http1Connection connection, PipeWriter writer, CancellationTokenSource timeout, TimeSpan idle)
    {
        long total = connection.Buffered.Length;
        writer.Write(connection.Buffered);
        connection.Consume(connection.Buffered.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(StreamCopy.BufferSize);
        try
        {
            while (true)
            {
                await Flush(writer, timeout.Token);
                timeout.CancelAfter(idle);
                var read = await connection.Socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (read == 0)
                {
                    return total;
                }

                writer.Write(buffer.AsSpan(0, read));
                total += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>RFC 9112 §7.1: chunk-size [; ext] CRLF data CRLF … 0 CRLF trailers CRLF.</summary>
    private static async Task<long> CopyChunkedAsync(Http1Connection connection, HttpContext context, CancellationTokenSource timeout, TimeSpan idle)
    {
        var writer = context.Response.BodyWriter;
        long total = 0;
        while (true)
        {
            var line = await ReadLineAsync(connection, timeout.Token);
            var semicolon = line.IndexOf(';', StringComparison.Ordinal);
            var sizeText = (semicolon >= 0 ? line[..semicolon] : line).Trim();
            if (!long.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
            {
                throw new UpstreamProtocolException("invalid chunk size");
            }

            if (size == 0)
            {
                await CopyTrailersAsync(connection, context.Response, timeout.Token);
                return total;
            }

            await CopyFixedAsync(connection, writer, size, timeout, idle);
            total += size;
            if ((await ReadLineAsync(connection, timeout.Token)).Length != 0)
            {
                throw new UpstreamProtocolException("chunk data longer than its size");
            }
        }
    }

    private static async Task CopyTrailersAsync(Http1Connection connection, HttpResponse response, CancellationToken token)
    {
        while (await ReadLineAsync(connection, token) is { Length: > 0 } trailer)
        {
            var colon = trailer.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && response.SupportsTrailers())
            {
                response.AppendTrailer(trailer[..colon], trailer[(colon + 1)..].Trim());
            }
        }
    }

    private static async Task<string> ReadLineAsync(Http1Connection connection, CancellationToken token)
    {
        int end;
        while ((end = connection.Buffered.IndexOf("\r\n"u8)) < 0)
        {
            if (connection.Buffered.Length > MaxLine)
            {
                throw new UpstreamProtocolException("line too long in chunked body");
            }

            if (!await connection.FillAsync(token))
            {
                throw new UpstreamProtocolException("the backend closed the connection in a chunked body");
            }
        }

        var line = Encoding.Latin1.GetString(connection.Buffered[..end]);
        connection.Consume(end + 2);
        return line;
    }

    private static async ValueTask Flush(PipeWriter writer, CancellationToken token)
    {
        if (!writer.CanGetUnflushedBytes || writer.UnflushedBytes > 0)
        {
            var result = await writer.FlushAsync(token);
            if (result.IsCanceled || result.IsCompleted)
            {
                throw new OperationCanceledException("the client went away");
            }
        }
    }

    private static async ValueTask Send(Http1Connection connection, ReadOnlyMemory<byte> data, CancellationToken token)
    {
        while (!data.IsEmpty)
        {
            var sent = await connection.Socket.SendAsync(data, SocketFlags.None, token);
            data = data[sent..];
        }
    }
}
