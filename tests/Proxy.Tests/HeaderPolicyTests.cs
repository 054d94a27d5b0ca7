using CloudIngress.Proxy.Engine;
using CloudIngress.Proxy.Tests.Infrastructure;
using System.Net;
using System.Text;

namespace CloudIngress.Proxy.Tests;

/// <summary>
/// One header policy for every path: the engine's byte rules and the HttpContext writers' string
/// rules agree, and a backend sees the same fields whichever HTTP/1.1 path served the client.
/// </summary>
public sealed class HeaderPolicyTests
{
    private static readonly string[] Names =
    [
        "Connection", "keep-alive", "Proxy-Connection", "Proxy-Authenticate", "proxy-authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Expect", "Host", "Content-Length", "X-Forwarded-For", "x-forwarded-proto",
        "X-Forwarded-", "X-Secret-Hop", "x-secret-hop", "Accept", "Content-Type", "Authorization", "Cookie", "X-End-To-End",
    ];

    [Theory]
    [InlineData("")]
    [InlineData("close")]
    [InlineData("X-Secret-Hop, keep-alive")]
    [InlineData("upgrade, x-secret-hop")]
    public void RequestRule_IsTheSameOnBytesAndStrings(string connection)
    {
        var listed = HeaderPolicy.Listed([connection]);
        foreach (var name in Names)
        {
            Assert.True(HeaderPolicy.DropFromRequest(Encoding.ASCII.GetBytes(name), Encoding.ASCII.GetBytes(connection)) == HeaderPolicy.DropFromRequest(name, listed), name);
        }

        Assert.True(HeaderPolicy.DropFromRequest(":path", listed)); // HTTP/2 pseudo-headers are never fields
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("X-Secret-Hop", false)]
    [InlineData("upgrade", true)]
    public void ResponseRule_DiffersOnlyInTheFramingTheReframingPathsWriteThemselves(string connection, bool switching)
    {
        var listed = HeaderPolicy.Listed([connection]);
        foreach (var name in Names)
        {
            var onBytes = HeaderPolicy.DropFromResponse(Encoding.ASCII.GetBytes(name), Encoding.ASCII.GetBytes(connection), switching);
            var reframed = HeaderPolicy.DropFromReframedResponse(name, listed, switching);
            // The engine passes the body as framed, so it keeps Transfer-Encoding; Kestrel frames it anew.
            Assert.True(name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) ? !onBytes && reframed : onBytes == reframed, name);
        }
    }

    [Fact]
    public void ForwardedFields_AreSetInOneOrder_AndBracketIPv6()
    {
        Assert.Equal(
            [("X-Forwarded-For", "::1"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "a.example"), ("X-Forwarded-Port", "8443"),
             ("Forwarded", "for=\"[::1]\";proto=https;host=\"a.example\"")],
            HeaderPolicy.ForwardedFields(IPAddress.IPv6Loopback, https: true, "a.example", 8443, addForwarded: true));
        Assert.Equal(
            [("X-Forwarded-Proto", "http"), ("X-Forwarded-Host", "b.example"), ("X-Forwarded-Port", "80"), ("Forwarded", "for=unknown;proto=http;host=\"b.example\"")],
            HeaderPolicy.ForwardedFields(null, https: false, "b.example", 80, addForwarded: true));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Backend_SeesTheSameFields_OnTheEngineAndOnKestrelsHttp1Stack(bool engine)
    {
        await using var backend = await TestBackend.StartAsync("web");
        await using var proxy = await ProxyHarness.StartAsync(new ProxyOptions { Http1Engine = engine, AddForwardedHeader = true });
        proxy.Apply(Manifests.Service("web", backend.Port) + Manifests.Ingress("site", "shop.example.com", "web"));

        var response = await RawHttp.SendAsync(proxy.Server.HttpPort, """
            GET /a?b=1 HTTP/1.0
            Host: shop.example.com
            Connection: X-Secret-Hop
            X-Secret-Hop: 1
            Keep-Alive: timeout=5
            Proxy-Authorization: Basic eDp5
            Proxy-Connection: keep-alive
            TE: gzip
            Trailer: X-Sum
            X-Forwarded-For: 6.6.6.6
            X-Forwarded-Proto: https
            X-Forwarded-Host: evil.example
            X-Forwarded-Port: 1
            X-End-To-End: kept
            """);

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        var seen = backend.Seen.Last();
        var port = proxy.Server.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("shop.example.com", seen.Host);
        Assert.Equal("127.0.0.1", seen.Headers["x-forwarded-for"]);
        Assert.Equal("http", seen.Headers["x-forwarded-proto"]);
        Assert.Equal("shop.example.com", seen.Headers["x-forwarded-host"]);
        Assert.Equal(port, seen.Headers["x-forwarded-port"]);
        Assert.Equal("for=127.0.0.1;proto=http;host=\"shop.example.com\"", seen.Headers["forwarded"]);
        Assert.Equal("kept", seen.Headers["x-end-to-end"]);
        foreach (var hop in new[] { "x-secret-hop", "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailer" })
        {
            Assert.False(seen.Headers.ContainsKey(hop), hop);
        }
    }
}
