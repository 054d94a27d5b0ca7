using System.Buffers;
using System.Text;

namespace CloudIngress.Proxy.Engine;

/// <summary>What a head parse came to: more bytes needed, a complete head, or a refusal.</summary>
internal enum HeadParse
{
    Incomplete,
    Complete,
    Invalid,
}

/// <summary>
/// One HTTP/1.1 request head (RFC 9112 §2–§7), parsed strictly and without strings: the head's
/// bytes are kept in a buffer the instance owns, fields are offsets into it. Anything that could
/// make the proxy and a backend disagree on where a request ends is refused (<see cref="ErrorStatus"/>
/// 400, 414 or 431; the connection must be closed after). Instances are reused request after
/// request, so the keep-alive path allocates nothing once a connection's head has been sized.
/// </summary>
internal sealed class RequestHead
{
    private readonly HeadLimits _limits;
    private byte[] _buffer = new byte[1024];
    private HeaderField[] _fields = new HeaderField[16];
    private int _scanned;
    private Range _method;
    private Range _target;
    private Range _path;
    private Range _host;

    public RequestHead(HeadLimits limits) => _limits = limits;

    /// <summary>Length of the head including its blank line.</summary>
    public int Length { get; private set; }

    public int HeaderCount { get; private set; }

    /// <summary>HTTP/1.1 (else 1.0).</summary>
    public bool Http11 { get; private set; }

    /// <summary>The body's length when framed by Content-Length; -1 otherwise.</summary>
    public long ContentLength { get; private set; }

    /// <summary>The body is framed by chunked transfer coding.</summary>
    public bool Chunked { get; private set; }

    public bool HasBody => Chunked || ContentLength > 0;

    /// <summary>The client lets the connection carry another request.</summary>
    public bool KeepAlive { get; private set; }

    /// <summary><c>Connection: upgrade</c> with an <c>Upgrade</c> field: a protocol switch (WebSocket).</summary>
    public bool IsUpgrade { get; private set; }

    public bool ExpectContinue { get; private set; }

    /// <summary>The request target was in absolute form (<c>http://host/path</c>): its authority is the host.</summary>
    public bool AbsoluteForm { get; private set; }

    /// <summary>On <see cref="HeadParse.Invalid"/>: 400, 414, 417 or 431.</summary>
    public int ErrorStatus { get; private set; }

    /// <summary>On <see cref="HeadParse.Invalid"/>: why, for the log.</summary>
    public string? ErrorReason { get; private set; }

    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, Length);

    public ReadOnlySpan<byte> Method => _buffer.AsSpan(_method);

    /// <summary>The target as sent (absolute form included).</summary>
    public ReadOnlySpan<byte> Target => _buffer.AsSpan(_target);

    /// <summary>The target's path and query in origin form (absolute form reduced to it).</summary>
    public ReadOnlySpan<byte> PathAndQuery => _buffer.AsSpan(_path.Start.Value, _target.End.Value - _path.Start.Value);

    /// <summary>The target's path, still percent-encoded, without the query.</summary>
    public ReadOnlySpan<byte> Path => _buffer.AsSpan(_path);

    /// <summary>The query including its '?', or empty.</summary>
    public ReadOnlySpan<byte> Query => _buffer.AsSpan(_path.End.Value, _target.End.Value - _path.End.Value);

    /// <summary>The host the request is for, port included: the absolute target's authority, else the Host field.</summary>
    public ReadOnlySpan<byte> Host => _buffer.AsSpan(_host);

    public ReadOnlySpan<byte> Name(int index) => _buffer.AsSpan(_fields[index].Name);

    public ReadOnlySpan<byte> Value(int index) => _buffer.AsSpan(_fields[index].Value);

    public bool IsMethod(ReadOnlySpan<byte> method) => Method.SequenceEqual(method);

    /// <summary>The first field of that name (any case), if any.</summary>
    public bool TryGetValue(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        for (var i = 0; i < HeaderCount; i++)
        {
            if (Ascii.EqualsIgnoreCase(Name(i), name))
            {
                value = Value(i);
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Forgets the previous request; the next <see cref="Parse"/> starts a new head.</summary>
    public void Reset()
    {
        _scanned = 0;
        Length = 0;
        HeaderCount = 0;
        ContentLength = -1;
        Chunked = KeepAlive = IsUpgrade = ExpectContinue = AbsoluteForm = false;
        ErrorStatus = 0;
        ErrorReason = null;
        _method = _target = _path = _host = default;
    }

    /// <summary>
    /// Parses the head at the start of <paramref name="input"/>. On <see cref="HeadParse.Complete"/>
    /// the head is <see cref="Length"/> bytes long and the body (if any) follows; on
    /// <see cref="HeadParse.Incomplete"/> call again with the same bytes and more.
    /// </summary>
    public HeadParse Parse(in ReadOnlySequence<byte> input)
    {
        var available = (int)Math.Min(input.Length, _limits.MaxHead + 1);
        ReadOnlySpan<byte> data;
        if (input.FirstSpan.Length >= available)
        {
            data = input.FirstSpan[..available];
        }
        else
        {
            // Split across segments (heads over a pipe block, or trickled): made contiguous first.
            EnsureCapacity(available);
            input.Slice(0, available).CopyTo(_buffer);
            data = _buffer.AsSpan(0, available);
        }

        var from = Math.Max(0, _scanned - 3);
        var end = data[from..].IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            _scanned = data.Length;
            return Unfinished(data);
        }

        var length = from + end + 4;
        if (length > _limits.MaxHead)
        {
            return Fail(431, "request head too large");
        }

        if (!data.Overlaps(_buffer))
        {
            EnsureCapacity(length);
            data[..length].CopyTo(_buffer);
        }

        Length = length;
        return ParseHead(_buffer.AsSpan(0, length));
    }

    private HeadParse Unfinished(ReadOnlySpan<byte> data)
    {
        var lineEnd = data.IndexOf((byte)'\n');
        if (lineEnd < 0 ? data.Length > _limits.MaxRequestLine : lineEnd > _limits.MaxRequestLine + 1)
        {
            return Fail(414, "request line too long");
        }

        if (data.Length > _limits.MaxHead)
        {
            return Fail(431, "request head too large");
        }

        // A client ending lines with bare LF would otherwise wait for a CRLF CRLF that never comes.
        if (data.IndexOf("\n\n"u8) >= 0 || (lineEnd >= 0 && (lineEnd == 0 || data[lineEnd - 1] != '\r')))
        {
            return Fail(400, "line not ended by CRLF");
        }

        return HeadParse.Incomplete;
    }

    private HeadParse ParseHead(ReadOnlySpan<byte> head)
    {
        var lineEnd = LineEnd(head, 0);
        if (lineEnd < 0)
        {
            return Fail(400, "bare CR or LF");
        }

        if (lineEnd > _limits.MaxRequestLine)
        {
            return Fail(414, "request line too long");
        }

        if (!ParseRequestLine(head[..lineEnd]))
        {
            return HeadParse.Invalid;
        }

        var hostSeen = false;
        var teSeen = false;
        var clSeen = false;
        var connectionClose = false;
        var connectionKeepAlive = false;
        var connectionUpgrade = false;
        var upgradeSeen = false;
        for (var start = lineEnd + 2; ;)
        {
            var end = LineEnd(head, start);
            if (end < 0)
            {
                return Fail(400, "bare CR or LF");
            }

            if (end == start)
            {
                break; // the blank line
            }

            if (end - (lineEnd + 2) > _limits.MaxHeadersTotal)
            {
                return Fail(431, "request headers too large");
            }

            var line = head[start..end];
            if (line[0] is (byte)' ' or (byte)'\t')
            {
                return Fail(400, "obsolete line folding");
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || !HttpSyntax.IsToken(line[..colon]))
            {
                return Fail(400, "invalid header name");
            }

            var valueStart = colon + 1;
            var value = line[valueStart..];
            var trimmedStart = value.Length - value.TrimStart(" \t"u8).Length;
            value = HttpSyntax.TrimOws(value);
            if (!HttpSyntax.IsFieldValue(value))
            {
                return Fail(400, "invalid header value");
            }

            if (HeaderCount == _limits.MaxHeaderCount)
            {
                return Fail(431, "too many request headers");
            }

            if (HeaderCount == _fields.Length)
            {
                Array.Resize(ref _fields, Math.Min(_fields.Length * 2, _limits.MaxHeaderCount));
            }

            var valueOffset = start + valueStart + trimmedStart;
            _fields[HeaderCount++] = new HeaderField(new Range(start, start + colon), new Range(valueOffset, valueOffset + value.Length));
            var name = line[..colon];
            switch (KnownHeaders.Of(name))
            {
                case KnownHeader.Host:
                    if (hostSeen)
                    {
                        return Fail(400, "more than one Host");
                    }

                    if (!HttpSyntax.IsHost(value))
                    {
                        return Fail(400, "invalid Host");
                    }

                    hostSeen = true;
                    if (!AbsoluteForm)
                    {
                        _host = new Range(valueOffset, valueOffset + value.Length);
                    }

                    break;
                case KnownHeader.ContentLength:
                    if (!ParseContentLength(value, clSeen))
                    {
                        return HeadParse.Invalid;
                    }

                    clSeen = true;
                    break;
                case KnownHeader.TransferEncoding:
                    // Only one field holding exactly "chunked": anything else (other codings, a
                    // second field, "chunked" twice) is a framing two parsers may read differently.
                    if (teSeen || !Ascii.EqualsIgnoreCase(value, "chunked"u8))
                    {
                        return Fail(400, "Transfer-Encoding other than chunked");
                    }

                    teSeen = true;
                    break;
                case KnownHeader.Connection:
                    ParseConnection(value, ref connectionClose, ref connectionKeepAlive, ref connectionUpgrade);
                    break;
                case KnownHeader.Upgrade:
                    upgradeSeen = true;
                    break;
                case KnownHeader.Expect:
                    if (!Ascii.EqualsIgnoreCase(value, "100-continue"u8))
                    {
                        return Fail(417, "unsupported expectation");
                    }

                    ExpectContinue = true;
                    break;
            }

            start = end + 2;
        }

        if (Http11 && !hostSeen)
        {
            return Fail(400, "no Host");
        }

        if (teSeen && (clSeen || !Http11))
        {
            return Fail(400, clSeen ? "both Content-Length and Transfer-Encoding" : "Transfer-Encoding in HTTP/1.0");
        }

        Chunked = teSeen;
        KeepAlive = Http11 ? !connectionClose : connectionKeepAlive && !connectionClose;
        IsUpgrade = connectionUpgrade && upgradeSeen;
        return HeadParse.Complete;
    }

    /// <summary>Where the line starting at <paramref name="start"/> ends (its CR); -1 for a bare CR or LF.</summary>
    private static int LineEnd(ReadOnlySpan<byte> head, int start)
    {
        var rest = head[start..];
        var cr = rest.IndexOfAny((byte)'\r', (byte)'\n');
        return cr >= 0 && rest[cr] == '\r' && cr + 1 < rest.Length && rest[cr + 1] == '\n' ? start + cr : -1;
    }

    private bool ParseRequestLine(ReadOnlySpan<byte> line)
    {
        var space = line.IndexOf((byte)' ');
        if (space <= 0 || !HttpSyntax.IsToken(line[..space]))
        {
            Fail(400, "invalid method");
            return false;
        }

        _method = new Range(0, space);
        var targetStart = space + 1;
        var targetLength = line[targetStart..].IndexOf((byte)' ');
        if (targetLength <= 0 || !HttpSyntax.IsTarget(line.Slice(targetStart, targetLength)))
        {
            Fail(400, "invalid request target");
            return false;
        }

        var version = line[(targetStart + targetLength + 1)..];
        if (!version.StartsWith("HTTP/1."u8) || version.Length != 8 || version[7] is not ((byte)'0' or (byte)'1'))
        {
            Fail(400, "invalid HTTP version");
            return false;
        }

        Http11 = version[7] == '1';
        _target = new Range(targetStart, targetStart + targetLength);
        return ParseTarget(line.Slice(targetStart, targetLength), targetStart);
    }

    private bool ParseTarget(ReadOnlySpan<byte> target, int offset)
    {
        var pathStart = 0;
        if (target[0] != '/')
        {
            // Absolute form (RFC 9112 §3.2.2), which a proxy must accept; the authority is the host.
            var scheme = Ascii.EqualsIgnoreCase(target[..Math.Min(7, target.Length)], "http://"u8) ? 7
                : Ascii.EqualsIgnoreCase(target[..Math.Min(8, target.Length)], "https://"u8) ? 8 : 0;
            if (scheme == 0)
            {
                Fail(400, "unsupported request target form");
                return false;
            }

            var authorityLength = target[scheme..].IndexOfAny((byte)'/', (byte)'?');
            authorityLength = authorityLength < 0 ? target.Length - scheme : authorityLength;
            var authority = target.Slice(scheme, authorityLength);
            if (authority.IsEmpty || !HttpSyntax.IsHost(authority) || authority.IndexOf((byte)'@') >= 0)
            {
                Fail(400, "invalid authority");
                return false;
            }

            AbsoluteForm = true;
            _host = new Range(offset + scheme, offset + scheme + authorityLength);
            pathStart = scheme + authorityLength;
            if (pathStart == target.Length || target[pathStart] != '/')
            {
                Fail(400, "absolute target without a path");
                return false;
            }
        }

        var query = target[pathStart..].IndexOf((byte)'?');
        var pathEnd = query < 0 ? target.Length : pathStart + query;
        _path = new Range(offset + pathStart, offset + pathEnd);
        return true;
    }

    private bool ParseContentLength(ReadOnlySpan<byte> value, bool seen)
    {
        // A list of identical values is one length (RFC 9110 §8.6); differing ones are refused.
        var previous = seen ? ContentLength : -1;
        foreach (var range in value.Split((byte)','))
        {
            if (!HttpSyntax.TryParseLength(HttpSyntax.TrimOws(value[range]), out var length))
            {
                Fail(400, "invalid Content-Length");
                return false;
            }

            if (previous >= 0 && previous != length)
            {
                Fail(400, "differing Content-Length");
                return false;
            }

            previous = length;
        }

        ContentLength = previous;
        return true;
    }

    private static void ParseConnection(ReadOnlySpan<byte> value, ref bool close, ref bool keepAlive, ref bool upgrade)
    {
        foreach (var range in value.Split((byte)','))
        {
            var token = HttpSyntax.TrimOws(value[range]);
            close |= Ascii.EqualsIgnoreCase(token, "close"u8);
            keepAlive |= Ascii.EqualsIgnoreCase(token, "keep-alive"u8);
            upgrade |= Ascii.EqualsIgnoreCase(token, "upgrade"u8);
        }
    }

    private HeadParse Fail(int status, string reason)
    {
        ErrorStatus = status;
        ErrorReason = reason;
        return HeadParse.Invalid;
    }

    private void EnsureCapacity(int length)
    {
        if (_buffer.Length < length)
        {
            Array.Resize(ref _buffer, Math.Max(length, _buffer.Length * 2));
        }
    }

    private readonly record struct HeaderField(Range Name, Range Value);
}
