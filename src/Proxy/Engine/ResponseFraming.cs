using System.Buffers;
using System.Text;

namespace CloudIngress.Proxy.Engine;

/// <summary>
/// A backend's response head, read only as far as the proxy needs: the status, how the body is
/// framed, whether the connection stays open, whether it is dated, and which fields must not
/// reach the client. The head's other bytes are passed on as they came. Refuses what could
/// desynchronise the pooled connection (obsolete folding, bare CR, conflicting lengths, codings
/// not ending in chunked).
/// </summary>
internal sealed class ResponseFraming
{
    private Range _connection;
    private bool _dated;

    public int Status { get; private set; }

    public bool Http11 { get; private set; }

    public int Length { get; private set; }

    public long ContentLength { get; private set; }

    public bool Chunked { get; private set; }

    public bool KeepAlive { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Parses the head at the start of <paramref name="data"/>; Incomplete until its blank line is there.</summary>
    public HeadParse Parse(ReadOnlySpan<byte> data, int maxHead)
    {
        var end = data.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return data.Length > maxHead ? Fail("response head too large") : HeadParse.Incomplete;
        }

        Length = end + 4;
        ContentLength = -1;
        Chunked = false;
        _connection = default;
        _dated = false;
        var head = data[..Length];
        var lineEnd = head.IndexOf("\r\n"u8);
        var status = head[..lineEnd];
        if (status.Length < 12 || !status.StartsWith("HTTP/1."u8) || status[7] is not ((byte)'0' or (byte)'1') || status[8] != ' '
            || !HttpSyntax.TryParseLength(status.Slice(9, 3), out var code) || code is < 100 or > 599 || (status.Length > 12 && status[12] != ' ')
            || status.IndexOfAny((byte)'\r', (byte)'\n') >= 0)
        {
            return Fail("invalid status line");
        }

        Status = (int)code;
        Http11 = status[7] == '1';
        bool close = false, keepAlive = false;
        for (var start = lineEnd + 2; start < Length - 2;)
        {
            var length = head[start..].IndexOf("\r\n"u8);
            var line = head.Slice(start, length);
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || !HttpSyntax.IsToken(line[..colon]) || !HttpSyntax.IsFieldValue(line[(colon + 1)..]))
            {
                return Fail("invalid header line");
            }

            var value = HttpSyntax.TrimOws(line[(colon + 1)..]);
            switch (KnownHeaders.Of(line[..colon]))
            {
                case KnownHeader.ContentLength:
                    if (!HttpSyntax.TryParseLength(value, out var contentLength) || (ContentLength >= 0 && ContentLength != contentLength))
                    {
                        return Fail("invalid Content-Length");
                    }

                    ContentLength = contentLength;
                    break;
                case KnownHeader.TransferEncoding:
                    var last = value[(value.LastIndexOf((byte)',') + 1)..];
                    if (!Ascii.EqualsIgnoreCase(HttpSyntax.TrimOws(last), "chunked"u8))
                    {
                        return Fail("unsupported Transfer-Encoding");
                    }

                    Chunked = true;
                    break;
                case KnownHeader.Connection:
                    var offset = start + colon + 1 + (line[(colon + 1)..].Length - line[(colon + 1)..].TrimStart(" \t"u8).Length);
                    _connection = new Range(offset, offset + value.Length);
                    foreach (var range in value.Split((byte)','))
                    {
                        close |= Ascii.EqualsIgnoreCase(HttpSyntax.TrimOws(value[range]), "close"u8);
                        keepAlive |= Ascii.EqualsIgnoreCase(HttpSyntax.TrimOws(value[range]), "keep-alive"u8);
                    }

                    break;
                case KnownHeader.Date:
                    _dated = true;
                    break;
            }

            start += length + 2;
        }

        if (Chunked)
        {
            ContentLength = -1; // RFC 9112 §6.3: chunked wins; the length is not passed on
        }

        KeepAlive = Http11 ? !close : keepAlive && !close;
        return HeadParse.Complete;
    }

    /// <summary>Whether a body follows this head, for a request of that method.</summary>
    public bool HasBody(bool head) => !head && Status is not (204 or 304) && Status >= 200;

    /// <summary>
    /// Writes the head for the client: HTTP/1.1 status line, fields minus hop-by-hop ones, a Date
    /// when the backend sent none (RFC 9110 §6.6.1; its own is passed unchanged), then
    /// <paramref name="close"/>. <paramref name="dechunk"/>: the body goes out decoded and
    /// delimited by the close (HTTP/1.0 clients know no chunked coding).
    /// </summary>
    public void WriteFor(ReadOnlySpan<byte> head, IBufferWriter<byte> output, DateHeader date, bool close, bool dechunk = false)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        Write(output, "HTTP/1.1"u8);
        Write(output, head[8..(lineEnd + 2)]);
        var connection = head[_connection];
        var switching = Status == 101;
        for (var start = lineEnd + 2; start < Length - 2;)
        {
            var length = head[start..].IndexOf("\r\n"u8);
            var line = head.Slice(start, length + 2);
            var colon = line.IndexOf((byte)':');
            var drop = HeaderPolicy.DropFromResponse(line[..colon], connection, switching)
                || (Chunked && Ascii.EqualsIgnoreCase(line[..colon], "Content-Length"u8))
                || (dechunk && Ascii.EqualsIgnoreCase(line[..colon], "Transfer-Encoding"u8));
            if (!drop)
            {
                Write(output, line);
            }

            start += length + 2;
        }

        if (!_dated)
        {
            date.WriteTo(output);
        }

        if (close && !switching)
        {
            Write(output, "Connection: close\r\n"u8);
        }

        Write(output, "\r\n"u8);
    }

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);

    private HeadParse Fail(string reason)
    {
        Error = reason;
        return HeadParse.Invalid;
    }
}
