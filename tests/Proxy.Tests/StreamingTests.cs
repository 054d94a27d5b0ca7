using CloudIngress.Proxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using System.IO.Pipelines;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;

namespace CloudIngress.Proxy.Tests;

/// <summary>Bodies stream both ways without buffering; HTTP/2 to gRPC backends with trailers; WebSockets tunnel.</summary>
public sealed class StreamingTests : IAsyncLifetime
{
    private const long Large = 100L * 1024 * 1024;
    private TestBackend _web = null!;
    private TestBackend _grpc = null!;
    private ProxyHarness _proxy = null!;

    public async Task InitializeAsync()
    {
        _web = await TestBackend.StartAsync("web");
        _grpc = await TestBackend.StartAsync("grpc", protocols: HttpProtocols.Http2);
        _proxy = await ProxyHarness.StartAsync();
        _proxy.Apply(
            Manifests.Service("web", _web.Port)
            + Manifests.Service("grpc", _grpc.Port)
            + TestPki.TlsSecret("wild-tls", TestPki.Wildcard)
            + Manifests.Ingress("web", "stream.example.com", "web", tls: "tls: [{hosts: ['*.example.com'], secretName: wild-tls}]")
            + Manifests.Ingress("grpc", "grpc.example.com", "grpc", annotations: "cloudingress.io/backend-protocol: GRPC",
                tls: "tls: [{hosts: ['*.example.com'], secretName: wild-tls}]"));
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _web.DisposeAsync();
        await _grpc.DisposeAsync();
    }

    [Fact]
    public async Task Download_100MB_ArrivesWhole()
    {
        using var client = _proxy.Client();
        using var response = await client.GetAsync($"http://stream.example.com/bytes/{Large}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(Large, response.Content.Headers.ContentLength);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[128 * 1024];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                Assert.Equal((byte)((total + i) % (64 * 1024)), buffer[i]);
            }

            total += read;
        }

        Assert.Equal(Large, total);
    }

    [Fact]
    public async Task Upload_100MB_StreamedWithoutLength_ArrivesWhole()
    {
        using var client = _proxy.Client();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var pipe = new Pipe();
        var producer = Task.Run(async () =>
        {
            var chunk = RandomNumberGenerator.GetBytes(256 * 1024);
            for (long sent = 0; sent < Large; sent += chunk.Length)
            {
                sha.AppendData(chunk);
                await pipe.Writer.WriteAsync(chunk);
            }

            await pipe.Writer.CompleteAsync();
        });
        var content = new StreamContent(pipe.Reader.AsStream()); // no Content-Length: chunked all the way
        using var response = await client.PostAsync("https://stream.example.com/upload", content);
        await producer;
        Assert.Equal($"{Large} {Convert.ToHexString(sha.GetHashAndReset())}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Grpc_BidirectionalStreamOverHttp2_WithTrailers()
    {
        using var client = _proxy.Client(version: HttpVersion.Version20);
        var (requestPipe, response, body) = await OpenGrpcAsync(client);
        Assert.Equal("application/grpc", response.Content.Headers.ContentType!.MediaType);

        // Each message must come back before the next is sent: the stream is duplex end to end.
        await GrpcFrames.WriteAsync(requestPipe.Writer, "second");
        Assert.Equal("second", await GrpcFrames.ReadAsync(body).WaitAsync(Step));
        await requestPipe.Writer.CompleteAsync();
        Assert.Equal(0, await body.ReadAsync(new byte[1]).AsTask().WaitAsync(Step));

        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
        Assert.Equal("echoed 2", response.TrailingHeaders.GetValues("grpc-message").Single());
        Assert.Equal("HTTP/2", _grpc.Seen.Last().Protocol);
        response.Dispose();
    }

    /// <summary>The soak found it: a stream that sends little (Kestrel wants 240 B/s after 5 s) was reset as a slow client.</summary>
    [Fact]
    public async Task Grpc_StreamSendingLessThanKestrelsMinimumRate_IsNotReset()
    {
        using var client = _proxy.Client(version: HttpVersion.Version20);
        var (requestPipe, response, body) = await OpenGrpcAsync(client);

        // The scenario itself: a quiet stream, past Kestrel's 5 s grace period with a few bytes sent.
        await Task.Delay(TimeSpan.FromSeconds(7));
        await GrpcFrames.WriteAsync(requestPipe.Writer, "second");
        Assert.Equal("second", await GrpcFrames.ReadAsync(body).WaitAsync(Step));
        await requestPipe.Writer.CompleteAsync();
        Assert.Equal(0, await body.ReadAsync(new byte[1]).AsTask().WaitAsync(Step));
        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
        response.Dispose();
    }

    private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    /// <summary>A gRPC-framed duplex stream to the echo backend whose first message ("first") has come back.</summary>
    private static async Task<(Pipe RequestPipe, HttpResponseMessage Response, Stream Body)> OpenGrpcAsync(HttpClient client)
    {
        var requestPipe = new Pipe();
        var request = GrpcFrames.Request("https://grpc.example.com/grpc", requestPipe);
        var sending = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await GrpcFrames.WriteAsync(requestPipe.Writer, "first");
        var response = await sending.WaitAsync(Step);
        var body = await response.Content.ReadAsStreamAsync();
        Assert.Equal("first", await GrpcFrames.ReadAsync(body).WaitAsync(Step));
        return (requestPipe, response, body);
    }

    [Theory]
    [InlineData("ws")]
    [InlineData("wss")]
    public async Task WebSocket_IsTunnelledBothWays(string scheme)
    {
        using var socket = new ClientWebSocket();
        var port = scheme == "ws" ? _proxy.Server.HttpPort : _proxy.Server.HttpsPort;
        socket.Options.SetRequestHeader("Host", "stream.example.com");
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        await socket.ConnectAsync(new Uri($"{scheme}://127.0.0.1:{port}/ws"), CancellationToken.None);
        await WebSocketEcho.AssertEchoesAsync(socket, "hello", "world", new string('x', 50_000));
    }
}
