using Microsoft.AspNetCore.Http;
using System.Buffers;
using System.Globalization;
using System.Text;

namespace CloudIngress.Proxy.Forwarding.Http1;

/// <summary>
/// Writes the request head for a backend: request line with the client's raw target, the
/// client's headers minus hop-by-hop ones, the forwarding headers, and the body framing.
/// </summary>
internal static class Http1RequestWriter
{
    public static void Write(IBufferWriter<byte> output, HttpContext context, ForwardingContext forwarding, bool hasBody)
    {
        var request = context.Request;
        Append(output, request.Method);
        Append(output, " ");
        Append(output, forwarding.PathAndQuery);
        Append(output, " HTTP/1.1\r\nHost: ");
        Append(output, request.Host.Value ?? string.Empty);
        Append(output, "\r\n");

        var listed = Engine.HeaderPolicy.Listed(request.Headers.Connection);
        foreach (var (name, values) in request.Headers)
        {
            if (Engine.HeaderPolicy.DropFromRequest(name, listed))
            {
                continue;
            }

            foreach (var value in values)
            {
                Header(output, name, value ?? string.Empty);
            }
        }

        var client = context.Connection.RemoteIpAddress;
        if (client?.IsIPv4MappedToIPv6 == true)
        {
            client = client.MapToIPv4();
        }

        foreach (var (name, value) in Engine.HeaderPolicy.ForwardedFields(client, forwarding.Scheme == "https", request.Host.Value ?? string.Empty,
            forwarding.ListenerPort, forwarding.AddForwardedHeader))
        {
            Header(output, name, value);
        }

        if (hasBody)
        {
            if (request.ContentLength is { } length)
            {
                Header(output, "Content-Length", length.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                Header(output, "Transfer-Encoding", "chunked");
            }
        }

        Append(output, "\r\n");
    }

    private static void Header(IBufferWriter<byte> output, string name, string value)
    {
        Append(output, name);
        Append(output, ": ");
        Append(output, value);
        Append(output, "\r\n");
    }

    /// <summary>Kestrel decoded the client's bytes as Latin-1; encoding them back gives the same bytes.</summary>
    private static void Append(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length);
        var written = Encoding.Latin1.GetBytes(text, span);
        output.Advance(written);
    }
}
