using System.Buffers.Text;
using System.Text;

namespace CloudIngress.Proxy.Forwarding.Http1;

/// <summary>
/// A parsed HTTP/1.x response head (RFC 9112 §4, §6): status, header fields, and how the body is
/// framed. Parsing is bounds-checked and refuses what a proxy must not pass on (obsolete line
/// folding, conflicting lengths, bare CR).
/// </summary>
internal sealed class Http1ResponseHead
{
    public int Status { get; private set; }

    public bool Http11 { get; private set; }

    public List<(string Name, string Value)> Headers { get; } = [];

    public long? ContentLength { get; private set; }

    public bool Chunked { get; private set; }

    /// <summary>The connection can carry another request after this response.</summary>
    public bool KeepAlive { get; private set; }

    /// <summary>
    /// Parses a complete head from the start of <paramref name="data"/>; false when the blank line
    /// ending it has not arrived yet. <paramref name="consumed"/> is the head's length.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out Http1ResponseHead? head, out int consumed)
    {
        head = null;
        consumed = data.IndexOf("\r\n\r\n"u8);
        if (consumed < 0)
        {
            return false;
        }

        consumed += 4;
        head = new Http1ResponseHead();
        var lines = data[..(consumed - 2)];
        var end = lines.IndexOf("\r\n"u8);
        head.ParseStatusLine(lines[..end]);
        lines = lines[(end + 2)..];
        var connectionClose = false;
        var connectionKeepAlive = false;
        while (lines.Length > 0)
        {
            end = lines.IndexOf("\r\n"u8);
            var line = lines[..end];
            lines = lines[(end + 2)..];
            head.ParseField(line, ref connectionClose, ref connectionKeepAlive);
        }

        head.KeepAlive = head.Http11 ? !connectionClose : connectionKeepAlive && !connectionClose;
        return true;
    }

    /// <summary>Whether a response to this request method can carry a body at all.</summary>
    public bool HasBody(string method) =>
        Status is not (204 or 304) && Status >= 200 && !string.Equals(method, "HEAD", StringComparison.OrdinalIgnoreCase);

    private void ParseStatusLine(ReadOnlySpan<byte> line)
    {
        // "HTTP/1.1 200 OK": version, space, three digits, then an optional reason
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[8] != (byte)' '
            || !Utf8Parser.TryParse(line.Slice(9, 3), out int status, out var used) || used != 3 || status is < 100 or > 599
            || (line.Length > 12 && line[12] != (byte)' '))
        {
            throw new UpstreamProtocolException("invalid status line");
        }

        Http11 = line[7] == (byte)'1';
        Status = status;
    }

    private void ParseField(ReadOnlySpan<byte> line, ref bool connectionClose, ref bool connectionKeepAlive)
    {
        var colon = line.IndexOf((byte)':');
        if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t' || line.IndexOf((byte)'\r') >= 0 || line.IndexOf((byte)'\n') >= 0
            || line[..colon].IndexOfAny((byte)' ', (byte)'\t') >= 0)
        {
            throw new UpstreamProtocolException("invalid header line");
        }

        var name = HeaderName(line[..colon]);
        var value = Encoding.Latin1.GetString(line[(colon + 1)..].Trim(" \t"u8));
        if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
        {
            if (!long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
                || (ContentLength is { } previous && previous != length))
            {
                throw new UpstreamProtocolException("invalid Content-Length");
            }

            ContentLength = length;
        }
        else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
        {
            // Only "chunked" as the last coding can be framed here; anything else is not ours to decode.
            if (!value.Trim().EndsWith("chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new UpstreamProtocolException("unsupported Transfer-Encoding");
            }

            Chunked = true;
        }
        else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
        {
            connectionClose |= value.Contains("close", StringComparison.OrdinalIgnoreCase);
            connectionKeepAlive |= value.Contains("keep-alive", StringComparison.OrdinalIgnoreCase);
        }

        Headers.Add((name, value));
    }

    /// <summary>Common names come from a table, so the usual responses allocate no name strings.</summary>
    private static string HeaderName(ReadOnlySpan<byte> name)
    {
        foreach (var known in KnownNames)
        {
            if (name.Length == known.Length && Ascii.EqualsIgnoreCase(name, known))
            {
                return known;
            }
        }

        if (Ascii.IsValid(name))
        {
            return Encoding.ASCII.GetString(name);
        }

        throw new UpstreamProtocolException("invalid header name");
    }

    private static readonly string[] KnownNames =
    [
        "Content-Length", "Content-Type", "Date", "Server", "Connection", "Transfer-Encoding", "Cache-Control",
        "ETag", "Last-Modified", "Set-Cookie", "Location", "Vary", "Expires", "Content-Encoding", "Keep-Alive",
    ];
}
