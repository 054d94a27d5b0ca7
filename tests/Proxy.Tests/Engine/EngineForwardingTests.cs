using CloudIngress.Proxy.Tests.Infrastructure;
using System.Text;

namespace CloudIngress.Proxy.Tests.Engine;

/// <summary>What the HTTP/1.1 engine does on the wire that HttpClient-based tests cannot show.</summary>
public sealed class EngineForwardingTests
{
    private const string Host = "e.example.com";

    private static async Task<ProxyHarness> StartAsync(RecordingBackend backend)
    {
        var proxy = await ProxyHarness.StartAsync(new ProxyOptions { Http1Engine = true });
        proxy.Apply(Manifests.Service("rec", backend.Port) + Manifests.Ingress("rec", Host, "rec"));
        return proxy;
    }

    [Fact]
    public async Task PipelinedRequests_AreAnsweredInOrderOnOneConnection()
    {
        await using var backend = new RecordingBackend();
        await using var proxy = await StartAsync(backend);
        var answer = await RawHttp.ExchangeAsync(proxy.Server.HttpPort, $"GET /1 HTTP/1.1\r\nHost: {Host}\r\n\r\nGET /2 HTTP/1.1\r\nHost: {Host}\r\n\r\nGET /3 HTTP/1.1\r\nHost: {Host}\r\nConnection: close\r\n\r\n");
        Assert.Equal(3, answer.Split("HTTP/1.1 200 OK").Length - 1);
        Assert.EndsWith("Connection: close\r\n\r\nok", answer, StringComparison.Ordinal);
        Assert.Equal(["GET /1 HTTP/1.1", "GET /2 HTTP/1.1", "GET /3 HTTP/1.1"], backend.RequestLines);
    }

    [Fact]
    public async Task PooledConnectionTheBackendClosed_IsReplacedWithoutFailingTheRequest()
    {
        // The backend closes every connection after its answer without saying so: the next GET
        // finds its pooled connection closed (no liveness poll for requests that can be replayed)
        // and goes again on a new one.
        await using var backend = new RecordingBackend(closeAfterEach: true);
        await using var proxy = await StartAsync(backend);
        using var socket = await RawHttp.ConnectAsync(proxy.Server.HttpPort);
        var buffer = new byte[4096];
        for (var i = 1; i <= 5; i++)
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /{i} HTTP/1.1\r\nHost: {Host}\r\n\r\n"));
            var answer = Encoding.ASCII.GetString(buffer, 0, await socket.ReceiveAsync(buffer));
            Assert.StartsWith("HTTP/1.1 200 OK", answer, StringComparison.Ordinal);
            Assert.EndsWith("ok", answer, StringComparison.Ordinal);
        }

        Assert.Equal(["GET /1 HTTP/1.1", "GET /2 HTTP/1.1", "GET /3 HTTP/1.1", "GET /4 HTTP/1.1", "GET /5 HTTP/1.1"], backend.RequestLines);
    }

    [Fact]
    public async Task ForwardedHead_CarriesTheClientsFieldsAndOnlyTheProxysForwardingFields()
    {
        await using var backend = new RecordingBackend();
        await using var proxy = await StartAsync(backend);
        await RawHttp.ExchangeAsync(proxy.Server.HttpPort, $"POST /a%20b?q=1 HTTP/1.1\r\nHost: {Host}\r\nX-Forwarded-For: 6.6.6.6\r\nConnection: close, X-Drop\r\nX-Drop: 1\r\n"
            + "Keep-Alive: 5\r\nX-Keep: yes\r\nContent-Length: 3\r\n\r\nabc");
        var request = Assert.Single(backend.Requests);
        Assert.StartsWith($"POST /a%20b?q=1 HTTP/1.1\r\nHost: {Host}\r\n", request, StringComparison.Ordinal);
        Assert.Contains("X-Keep: yes\r\n", request, StringComparison.Ordinal);
        Assert.Contains("X-Forwarded-For: 127.0.0.1\r\n", request, StringComparison.Ordinal);
        Assert.Contains($"X-Forwarded-Host: {Host}\r\n", request, StringComparison.Ordinal);
        Assert.Contains("X-Forwarded-Proto: http\r\n", request, StringComparison.Ordinal);
        Assert.DoesNotContain("6.6.6.6", request, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Drop", request, StringComparison.Ordinal);
        Assert.DoesNotContain("Keep-Alive", request, StringComparison.Ordinal);
        Assert.DoesNotContain("Connection", request, StringComparison.Ordinal);
        Assert.EndsWith("Content-Length: 3\r\n\r\nabc", request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpectContinue_GetsA100_ThenTheBodyIsForwarded()
    {
        await using var backend = new RecordingBackend();
        await using var proxy = await StartAsync(backend);
        using var socket = await RawHttp.ConnectAsync(proxy.Server.HttpPort);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"PUT /up HTTP/1.1\r\nHost: {Host}\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n"));
        var buffer = new byte[1024];
        var interim = Encoding.ASCII.GetString(buffer, 0, await socket.ReceiveAsync(buffer));
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", interim);
        Assert.Empty(backend.Requests); // the head waits for the body: nothing complete reached the backend
        await socket.SendAsync("hello"u8.ToArray());
        var answer = await RawHttp.ReadToEndAsync(socket);
        Assert.StartsWith("HTTP/1.1 200 OK", answer, StringComparison.Ordinal);
        var request = Assert.Single(backend.Requests);
        Assert.DoesNotContain("Expect", request, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nhello", request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkedAnswer_ToAnHttp10Client_IsDecodedAndEndsWithTheConnection()
    {
        await using var backend = new RecordingBackend("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        await using var proxy = await StartAsync(backend);
        var answer = await RawHttp.ExchangeAsync(proxy.Server.HttpPort, $"GET / HTTP/1.0\r\nHost: {Host}\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("Transfer-Encoding", answer, StringComparison.Ordinal);
        Assert.EndsWith("Connection: close\r\n\r\nhello world", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkedRequestBody_IsForwardedAsChecked()
    {
        await using var backend = new RecordingBackend();
        await using var proxy = await StartAsync(backend);
        var answer = await RawHttp.ExchangeAsync(proxy.Server.HttpPort, $"POST / HTTP/1.1\r\nHost: {Host}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK", answer, StringComparison.Ordinal);
        Assert.EndsWith("Transfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n", Assert.Single(backend.Requests), StringComparison.Ordinal);
    }
}
