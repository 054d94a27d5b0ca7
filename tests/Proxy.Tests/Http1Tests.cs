using CloudIngress.Proxy.Forwarding.Http1;
using CloudIngress.Proxy.Tests.Infrastructure;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudIngress.Proxy.Tests;

/// <summary>The lean HTTP/1.1 path: response parsing, framing, and backends that misbehave.</summary>
public sealed class Http1Tests
{
    [Fact]
    public void Parse_CompleteHead_FramingAndHeaders()
    {
        var data = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nX-A: 2\r\nConnection: keep-alive\r\n\r\nhello"u8;
        Assert.True(Http1ResponseHead.TryParse(data, out var head, out var consumed));
        Assert.Equal(200, head!.Status);
        Assert.Equal(5, head.ContentLength);
        Assert.True(head.KeepAlive);
        Assert.Equal(data.Length - 5, consumed);
        Assert.Equal(["1", "2"], head.Headers.Where(h => h.Name == "X-A").Select(h => h.Value));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\n")]
    [InlineData("")]
    public void Parse_IncompleteHead_NeedsMore(string text) => Assert.False(Http1ResponseHead.TryParse(Encoding.ASCII.GetBytes(text), out _, out _));

    [Theory]
    [InlineData("HTTP/1.0 200 OK\r\n\r\n", false)]
    [InlineData("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n", true)]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", false)]
    [InlineData("HTTP/1.1 204 No Content\r\n\r\n", true)]
    public void Parse_KeepAlive(string text, bool keepAlive)
    {
        Assert.True(Http1ResponseHead.TryParse(Encoding.ASCII.GetBytes(text), out var head, out _));
        Assert.Equal(keepAlive, head!.KeepAlive);
    }

    [Theory]
    [InlineData("HTTP/2 200 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 20 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 999 Nope\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\n folded: value\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nNo-Colon\r\n\r\n")]
    public void Parse_Malformed_IsRefused(string text) =>
        Assert.Throws<UpstreamProtocolException>(() => Http1ResponseHead.TryParse(Encoding.Latin1.GetBytes(text), out _, out _));

    [Theory]
    [InlineData("garbage\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    public async Task MalformedBackendAnswer_Is502(string answer)
    {
        await using var backend = new ScriptedBackend(_ => answer, closeAfterEach: true);
        await using var proxy = await ProxyHarness.StartAsync(new ProxyOptions { RequestTimeout = TimeSpan.FromSeconds(5) });
        proxy.Apply(Manifests.Service("raw", backend.Port) + Manifests.Ingress("raw", "raw.example.com", "raw"));
        using var client = proxy.Client();
        try
        {
            using var response = await client.GetAsync("http://raw.example.com/");
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.StartsWith("502 the backend's answer was not valid HTTP", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        catch (HttpRequestException)
        {
            // The body turned out short after part of it had been passed on: the stream is cut, not relabelled.
            Assert.Contains("Content-Length: 100", answer, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ChunkedAnswerWithInterimResponse_IsRelayed()
    {
        await using var backend = new ScriptedBackend(_ =>
            "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Upstream: yes\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Apply(Manifests.Service("raw", backend.Port) + Manifests.Ingress("raw", "raw.example.com", "raw"));
        using var client = proxy.Client();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync("http://raw.example.com/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("hello world", await response.Content.ReadAsStringAsync());
            Assert.Equal("yes", response.Headers.GetValues("X-Upstream").Single());
        }

        Assert.Equal(1, backend.Connections); // kept alive and reused
    }

    [Fact]
    public async Task BackendClosingItsConnections_NextRequestsStillSucceed()
    {
        await using var backend = new ScriptedBackend(_ => "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", closeAfterEach: true);
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Apply(Manifests.Service("raw", backend.Port) + Manifests.Ingress("raw", "raw.example.com", "raw"));
        using var client = proxy.Client();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("ok", await client.GetStringAsync("http://raw.example.com/"));
        }

        Assert.Equal(5, backend.Connections);
    }

    /// <summary>A TCP backend that answers each request head with a scripted byte string.</summary>
    private sealed class ScriptedBackend : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private int _connections;

        public ScriptedBackend(Func<string, string> answer, bool closeAfterEach = false)
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    Interlocked.Increment(ref _connections);
                    _ = Task.Run(async () =>
                    {
                        using (client)
                        {
                            var stream = client.GetStream();
                            var buffer = new byte[8192];
                            var text = new StringBuilder();
                            while (true)
                            {
                                var read = await stream.ReadAsync(buffer);
                                if (read == 0)
                                {
                                    return;
                                }

                                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
                                if (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                                {
                                    continue;
                                }

                                await stream.WriteAsync(Encoding.ASCII.GetBytes(answer(text.ToString())));
                                text.Clear();
                                if (closeAfterEach || !answer(string.Empty).StartsWith("HTTP/1.1 ", StringComparison.Ordinal))
                                {
                                    return;
                                }
                            }
                        }
                    });
                }
            });
        }

        public int Port { get; }

        public int Connections => Volatile.Read(ref _connections);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _loop;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
