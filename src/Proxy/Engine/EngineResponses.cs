using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace CloudIngress.Proxy.Engine;

/// <summary>
/// The proxy's own answers on the engine's connections, as the HttpContext path writes them:
/// a status and one short plain-text line (<c>"404 no route for this host and path"</c>), dated
/// as Kestrel dates its own.
/// </summary>
internal static class EngineResponses
{
    public static void Write(IBufferWriter<byte> output, DateHeader date, int status, string? message, bool close, bool headRequest,
        string? extraName = null, string? extraValue = null)
    {
        output.Write("HTTP/1.1 "u8);
        Number(output, status);
        output.Write(" "u8);
        Ascii(output, Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status));
        output.Write("\r\n"u8);
        date.WriteTo(output);
        if (extraName is not null)
        {
            Ascii(output, extraName);
            output.Write(": "u8);
            Ascii(output, extraValue ?? string.Empty);
            output.Write("\r\n"u8);
        }

        var bodyLength = 0;
        if (message is not null)
        {
            output.Write("Content-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\n"u8);
            bodyLength = 3 + 1 + Encoding.UTF8.GetByteCount(message) + 1;
        }

        output.Write("Content-Length: "u8);
        Number(output, bodyLength);
        output.Write(close ? "\r\nConnection: close\r\n\r\n"u8 : "\r\n\r\n"u8);
        if (message is not null && !headRequest)
        {
            Number(output, status);
            output.Write(" "u8);
            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(message.Length) + 1);
            var written = Encoding.UTF8.GetBytes(message, span);
            span[written] = (byte)'\n';
            output.Advance(written + 1);
        }
    }

    private static void Ascii(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length);
        output.Advance(Encoding.Latin1.GetBytes(text, span));
    }

    private static void Number(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }
}
