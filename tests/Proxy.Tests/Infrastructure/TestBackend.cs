using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace CloudIngress.Proxy.Tests.Infrastructure;

/// <summary>What a backend saw of one request.</summary>
public sealed record SeenRequest(string Method, string Target, string Host, string Protocol, bool Tls, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A real HTTP server on 127.0.0.1 standing in for pods. Paths: <c>/bytes/N</c> streams N bytes,
/// <c>/upload</c> counts and hashes the body, <c>/delay/MS</c> waits, <c>/status/CODE</c>,
/// <c>/ws</c> echoes WebSocket messages, <c>/grpc</c> echoes gRPC frames and ends with trailers;
/// anything else answers a JSON echo of what arrived.
/// </summary>
public sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestBackend(string name, WebApplication app)
    {
        Name = name;
        _app = app;
    }

    public string Name { get; }

    public int Port { get; private set; }

    public ConcurrentQueue<SeenRequest> Seen { get; } = new();

    public int InFlight => Volatile.Read(ref _inFlight);

    private int _inFlight;

    /// <summary>False: requests are not kept in <see cref="Seen"/> (the soak sends millions).</summary>
    public bool Record { get; set; } = true;

    /// <summary>Status code /healthz answers (active health checks).</summary>
    public int HealthStatus { get; set; } = 200;

    public static async Task<TestBackend> StartAsync(string name, X509Certificate2? certificate = null,
        HttpProtocols protocols = HttpProtocols.Http1AndHttp2)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = protocols;
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        var app = builder.Build();
        var backend = new TestBackend(name, app);
        app.UseWebSockets();
        app.Run(backend.HandleAsync);
        await app.StartAsync();
        var address = app.Urls.First();
        backend.Port = new Uri(address).Port;
        return backend;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
            if (Record)
            {
                Seen.Enqueue(new SeenRequest(context.Request.Method, target, context.Request.Host.Value ?? string.Empty, context.Request.Protocol,
                    context.Request.IsHttps, context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));
            }

            var path = context.Request.Path.Value ?? "/";
            switch (path)
            {
                case var p when p.StartsWith("/bytes/", StringComparison.Ordinal):
                    await SendBytesAsync(context, long.Parse(p[7..], CultureInfo.InvariantCulture));
                    return;
                case "/upload":
                    await CountUploadAsync(context);
                    return;
                case var p when p.StartsWith("/delay/", StringComparison.Ordinal):
                    await Task.Delay(int.Parse(p[7..], CultureInfo.InvariantCulture), context.RequestAborted);
                    break;
                case var p when p.StartsWith("/status/", StringComparison.Ordinal):
                    context.Response.StatusCode = int.Parse(p[8..], CultureInfo.InvariantCulture);
                    return;
                case "/healthz":
                    context.Response.StatusCode = HealthStatus;
                    return;
                case "/ws":
                    using (var socket = await context.WebSockets.AcceptWebSocketAsync())
                    {
                        await EchoWebSocketAsync(socket);
                    }

                    return;
                case "/grpc":
                    await EchoGrpcAsync(context);
                    return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["backend"] = Name,
                ["target"] = target,
                ["host"] = context.Request.Host.Value,
                ["protocol"] = context.Request.Protocol,
                ["tls"] = context.Request.IsHttps,
            }));
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static async Task SendBytesAsync(HttpContext context, long count)
    {
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = count;
        var chunk = new byte[64 * 1024];
        for (var i = 0; i < chunk.Length; i++)
        {
            chunk[i] = (byte)i;
        }

        for (long sent = 0; sent < count;)
        {
            var n = (int)Math.Min(chunk.Length, count - sent);
            await context.Response.Body.WriteAsync(chunk.AsMemory(0, n), context.RequestAborted);
            sent += n;
        }
    }

    private static async Task CountUploadAsync(HttpContext context)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            total += read;
        }

        await context.Response.WriteAsync($"{total} {Convert.ToHexString(sha.GetHashAndReset())}");
    }

    private static async Task EchoWebSocketAsync(WebSocket socket)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, CancellationToken.None);
        }
    }

    /// <summary>gRPC framing (1 byte flag, 4 bytes length, message): each message is echoed as it arrives, then trailers.</summary>
    private static async Task EchoGrpcAsync(HttpContext context)
    {
        // As gRPC servers do: a stream may be quiet for long, which is not a slow-body attack.
        context.Features.Get<IHttpMinRequestBodyDataRateFeature>()!.MinDataRate = null;
        context.Response.ContentType = "application/grpc";
        context.Response.DeclareTrailer("grpc-status");
        await context.Response.StartAsync();
        var header = new byte[5];
        var count = 0;
        while (await ReadExactlyOrEndAsync(context.Request.Body, header))
        {
            var message = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
            await context.Request.Body.ReadExactlyAsync(message);
            await context.Response.Body.WriteAsync(header);
            await context.Response.Body.WriteAsync(message);
            await context.Response.Body.FlushAsync();
            count++;
        }

        context.Response.AppendTrailer("grpc-status", "0");
        context.Response.AppendTrailer("grpc-message", $"echoed {count}");
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream stream, byte[] buffer)
    {
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false);
        return read == buffer.Length;
    }
}
