using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace CloudIngress.Controller.Demo;

/// <summary>
/// The demo's backends: answer every request with a JSON description of what arrived (which
/// backend, host, path, TLS, the X-Forwarded-* headers), and echo WebSocket messages.
/// </summary>
internal static class EchoBackend
{
    public static async Task<WebApplication> StartAsync(string name, IPEndPoint endpoint, X509Certificate2? certificate, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(endpoint, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(context => HandleAsync(context, name));
        await app.StartAsync(cancellationToken);
        return app;
    }

    private static async Task HandleAsync(HttpContext context, string name)
    {
        if (context.WebSockets.IsWebSocketRequest)
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await EchoAsync(socket, context.RequestAborted);
            return;
        }

        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("backend", name);
        json.WriteString("method", context.Request.Method);
        json.WriteString("host", context.Request.Host.Value);
        json.WriteString("path", context.Request.Path.Value + context.Request.QueryString.Value);
        json.WriteString("protocol", context.Request.Protocol);
        json.WriteBoolean("tls", context.Request.IsHttps);
        json.WriteStartObject("forwarded");
        foreach (var (header, value) in context.Request.Headers.Where(h => h.Key.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase)))
        {
            json.WriteString(header.ToLowerInvariant(), value.ToString());
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
        await context.Response.WriteAsync("\n", context.RequestAborted);
    }

    private static async Task EchoAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (socket.State == WebSocketState.Open)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, cancellationToken);
        }
    }
}
