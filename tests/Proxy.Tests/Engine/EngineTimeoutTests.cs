using CloudIngress.Proxy.Tests.Infrastructure;
using CloudIngress.Tests;
using System.Text;

namespace CloudIngress.Proxy.Tests.Engine;

/// <summary>The engine's per-connection timer, driven by a test clock.</summary>
public sealed class EngineTimeoutTests
{
    [Fact]
    public async Task SlowClient_TrickledHead_IsCutAtTheHeadTimeout()
    {
        var clock = new TestClock();
        await using var backend = new RecordingBackend();
        await using var proxy = await ProxyHarness.StartAsync(new ProxyOptions { Http1Engine = true, Time = clock, RequestHeadersTimeout = TimeSpan.FromSeconds(10) });
        proxy.Apply(Manifests.Service("rec", backend.Port) + Manifests.Ingress("rec", "slow.example.com", "rec"));
        using var socket = await RawHttp.ConnectAsync(proxy.Server.HttpPort);
        await Eventually.Until(() => clock.Waiting == 1, what: "the head timer armed");

        // One byte a second for nine seconds: still within the head timeout, so no answer yet.
        foreach (var b in Encoding.ASCII.GetBytes("GET / HTT"))
        {
            await socket.SendAsync(new[] { b });
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(0, socket.Available);
        Assert.Equal(1, clock.Waiting);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.StartsWith("HTTP/1.1 408 ", await RawHttp.ReadToEndAsync(socket), StringComparison.Ordinal);
        Assert.Empty(backend.RequestLines);
    }

    [Fact]
    public async Task IdleKeepAliveConnection_IsClosedAtTheKeepAliveTimeout()
    {
        var clock = new TestClock();
        await using var backend = new RecordingBackend();
        await using var proxy = await ProxyHarness.StartAsync(new ProxyOptions { Http1Engine = true, Time = clock, KeepAliveTimeout = TimeSpan.FromSeconds(75) });
        proxy.Apply(Manifests.Service("rec", backend.Port) + Manifests.Ingress("rec", "idle.example.com", "rec"));
        using var socket = await RawHttp.ConnectAsync(proxy.Server.HttpPort);
        await socket.SendAsync("GET /one HTTP/1.1\r\nHost: idle.example.com\r\n\r\n"u8.ToArray());
        var buffer = new byte[1024];
        var answer = Encoding.ASCII.GetString(buffer, 0, await socket.ReceiveAsync(buffer));
        Assert.StartsWith("HTTP/1.1 200 ", answer, StringComparison.Ordinal);
        Assert.EndsWith("ok", answer, StringComparison.Ordinal);

        await Eventually.Until(() => clock.Requested.Contains(TimeSpan.FromSeconds(75)) && clock.Waiting == 1, what: "the keep-alive timer armed");
        clock.Advance(TimeSpan.FromSeconds(75));
        Assert.Equal(string.Empty, await RawHttp.ReadToEndAsync(socket)); // closed without an answer
        Assert.Equal(["GET /one HTTP/1.1"], backend.RequestLines);
    }
}
