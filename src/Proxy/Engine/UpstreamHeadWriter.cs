using System.Buffers;
using System.Buffers.Text;
using System.Net;
using System.Text;

namespace CloudIngress.Proxy.Engine;

/// <summary>
/// The request head for a backend, written from the client's head bytes: request line with the
/// client's target (or the rewritten one), Host, the client's fields minus hop-by-hop ones, the
/// X-Forwarded-* and Forwarded fields (set, not appended: the proxy is the edge) and the body's framing.
/// </summary>
internal static class UpstreamHeadWriter
{
    public static void Write(IBufferWriter<byte> output, RequestHead head, ReadOnlySpan<byte> pathAndQuery, ForwardedFor forwarded)
    {
        output.Write(head.Method);
        output.Write(" "u8);
        output.Write(pathAndQuery);
        output.Write(" HTTP/1.1\r\nHost: "u8);
        output.Write(head.Host);
        output.Write("\r\n"u8);
        head.TryGetValue("Connection"u8, out var connection);
        for (var i = 0; i < head.HeaderCount; i++)
        {
            var name = head.Name(i);
            if (!HeaderPolicy.DropFromRequest(name, connection))
            {
                Field(output, name, head.Value(i));
            }
        }

        if (forwarded.Client is { } client)
        {
            output.Write("X-Forwarded-For: "u8);
            var span = output.GetSpan(64);
            client.TryFormat(span, out var written);
            output.Advance(written);
            output.Write("\r\n"u8);
        }

        output.Write("X-Forwarded-Proto: "u8);
        output.Write(forwarded.Https ? "https"u8 : "http"u8);
        output.Write("\r\nX-Forwarded-Host: "u8);
        output.Write(head.Host);
        output.Write("\r\nX-Forwarded-Port: "u8);
        Number(output, forwarded.ListenerPort);
        output.Write("\r\n"u8);
        if (forwarded.AddForwardedHeader)
        {
            output.Write("Forwarded: "u8);
            output.Write(Encoding.Latin1.GetBytes(HeaderPolicy.Forwarded(forwarded.Client, forwarded.Https, Encoding.Latin1.GetString(head.Host))));
            output.Write("\r\n"u8);
        }

        if (head.Chunked)
        {
            output.Write("Transfer-Encoding: chunked\r\n"u8);
        }
        else if (head.ContentLength >= 0)
        {
            output.Write("Content-Length: "u8);
            Number(output, head.ContentLength);
            output.Write("\r\n"u8);
        }

        if (head.IsUpgrade && head.TryGetValue("Upgrade"u8, out var upgrade))
        {
            output.Write("Connection: upgrade\r\n"u8);
            Field(output, "Upgrade"u8, upgrade);
        }

        output.Write("\r\n"u8);
    }

    private static void Field(IBufferWriter<byte> output, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        output.Write(name);
        output.Write(": "u8);
        output.Write(value);
        output.Write("\r\n"u8);
    }

    private static void Number(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }
}

/// <summary>What the X-Forwarded-* fields say about the client's connection.</summary>
internal readonly record struct ForwardedFor(IPAddress? Client, bool Https, int ListenerPort, bool AddForwardedHeader);
