using CloudIngress.Proxy.Engine;
using CloudIngress.Proxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using System.Net;
using System.Text;

namespace CloudIngress.Proxy.Tests;

/// <summary>
/// One header policy for every path: the engine's byte rules and the HttpContext writers' string
/// rules agree, and a backend and a client see the same fields whichever path served the client:
/// the engine, Kestrel's HTTP/1.1 stack, or HTTP/2 (Kestrel's stack and the HttpContext writers)
/// to a plain backend (the lean HTTP/1.1 writer) or a bridged TLS one (HttpClient).
/// </summary>
public sealed class HeaderPolicyTests
{
    private static readonly string[] Names =
    [
        "Connection", "keep-alive", "Proxy-Connection", "Proxy-Authenticate", "proxy-authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Expect", "Host", "Content-Length", "X-Forwarded-For", "x-forwarded-proto",
        "X-Forwarded-", "Forwarded", "forwarded", "Forwarded-For", "X-Secret-Hop", "x-secret-hop", "Accept", "Content-Type", "Authorization", "Cookie", "X-End-To-End",
    ];

    /// <summary>
    /// A pod answering every kind of hop-by-hop field: the standard ones, one its Connection field
    /// lists, and a chunked body with a trailer; X-End-To-End and Content-Type are end to end.
    /// </summary>
    private const string HopByHopAnswer =
        "HTTP/1.1 200 OK\r\nConnection: close, X-Secret-Hop\r\nX-Secret-Hop: 1\r\nKeep-Alive: timeout=5\r\n"
        + "Proxy-Authenticate: Basic realm=\"hop\"\r\nProxy-Connection: keep-alive\r\nUpgrade: h2c\r\nTrailer: X-Sum\r\n"
        + "Content-Type: text/plain\r\nX-End-To-End: kept\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Sum: 1\r\n\r\n";

    private static readonly string[] ResponseHops = ["x-secret-hop", "keep-alive", "proxy-authenticate", "proxy-connection", "upgrade", "trailer"];

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
    [InlineData("Forwarded", true)]
    [InlineData("forwarded", true)]
    [InlineData("X-Forwarded-For", true)]
    [InlineData("Forwarded-For", false)]
    [InlineData("X-Forwarded", false)]
    public void ClientsForwardingFields_AreDroppedByBothRules(string name, bool dropped)
    {
        // Agreement alone would pass if both rules forgot a field: a client's Forwarded must not reach a backend.
        Assert.Equal(dropped, HeaderPolicy.DropFromRequest(Encoding.ASCII.GetBytes(name), default));
        Assert.Equal(dropped, HeaderPolicy.DropFromRequest(name, null));
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
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public async Task Backend_SeesTheSameFields_OnTheEngineAndOnKestrelsHttp1Stack(bool engine, bool addForwarded)
    {
        await using var backend = await TestBackend.StartAsync("web");
        await using var proxy = await ProxyHarness.StartAsync(new ProxyOptions { Http1Engine = engine, AddForwardedHeader = addForwarded });
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
            Forwarded: for=6.6.6.6
            X-End-To-End: kept
            """);

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        AssertProxysOwnFields(backend.Seen.Last(), "shop.example.com", "http", proxy.Server.HttpPort, addForwarded,
            ["x-secret-hop", "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailer"]);
    }

    [Fact]
    public async Task Http2Client_SendsEveryFieldTheHttp2TestsSpoof()
    {
        // Without this the tests below could pass because HttpClient never sent a field over HTTP/2.
        await using var backend = await TestBackend.StartAsync("direct", protocols: HttpProtocols.Http2);
        using var client = new HttpClient();
        using var request = SpoofedHttp2Request($"http://127.0.0.1:{backend.Port}/a?b=1");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpVersion.Version20, response.Version);
        var seen = backend.Seen.Single();
        Assert.Equal("HTTP/2", seen.Protocol);
        foreach (var spoofed in new[] { "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "forwarded", "proxy-authorization", "te", "x-end-to-end" })
        {
            Assert.True(seen.Headers.ContainsKey(spoofed), spoofed);
        }
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public async Task Backend_SeesTheProxysOwnFields_OverHttp2(bool tlsBackend, bool addForwarded)
    {
        await using var backend = await TestBackend.StartAsync("web", tlsBackend ? TestPki.Backend : null);
        await using var proxy = await ProxyHarness.StartAsync(new ProxyOptions { AddForwardedHeader = addForwarded });
        proxy.Apply(OffloadedApp(backend.Port, tlsBackend));

        using var client = proxy.Client(version: HttpVersion.Version20);
        using var request = SpoofedHttp2Request("https://app.example.com/a?b=1");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        var seen = backend.Seen.Single();
        Assert.Equal("/a?b=1", seen.Target);
        AssertProxysOwnFields(seen, "app.example.com", "https", proxy.Server.HttpsPort, addForwarded,
            ["proxy-authorization", "te", "connection", "keep-alive", "upgrade", "trailer"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Client_SeesTheSameResponseFields_OnTheEngineAndOverHttp2(bool tlsBackend)
    {
        await using var plain = new Engine.RecordingBackend(HopByHopAnswer);
        await using var bridged = new RawTlsBackend(TestPki.Backend, expectProxyHeader: false, answer: HopByHopAnswer);
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Apply(OffloadedApp(tlsBackend ? bridged.Port : plain.Port, tlsBackend));

        var http1 = await RawHttp.SendAsync(proxy.Server.HttpPort, "GET / HTTP/1.1\nHost: app.example.com");
        Assert.StartsWith("HTTP/1.1 200", http1, StringComparison.Ordinal);
        var http1Fields = http1[..http1.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n").Skip(1)
            .Select(f => f.Split(':', 2)).ToLookup(f => f[0].ToLowerInvariant(), f => f[1].Trim());

        using var client = proxy.Client(version: HttpVersion.Version20);
        using var response = await client.GetAsync("https://app.example.com/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        var http2Fields = response.Headers.Concat(response.Content.Headers).ToLookup(h => h.Key.ToLowerInvariant(), h => string.Join(", ", h.Value));

        // HTTP/1.1 frames the body chunked and closes as its client asked (the backend's own Connection
        // is not passed); HTTP/2 has neither field.
        Assert.Equal(["chunked"], http1Fields["transfer-encoding"]);
        Assert.Equal(["close"], http1Fields["connection"]);
        Assert.Empty(http2Fields["transfer-encoding"]);
        Assert.Empty(http2Fields["connection"]);
        foreach (var hop in ResponseHops)
        {
            Assert.False(http1Fields.Contains(hop), "HTTP/1.1: " + hop);
            Assert.False(http2Fields.Contains(hop), "HTTP/2: " + hop);
        }

        // Both paths date a response the backend left undated (RFC 9110 §6.6.1), each at its own second.
        Assert.Single(http1Fields["date"]);
        Assert.Single(http2Fields["date"]);

        // Framing and that Date aside, the fields are the same.
        string[] framing = ["connection", "transfer-encoding", "content-length", "date"];
        Assert.Equal(
            http1Fields.Where(f => !framing.Contains(f.Key)).ToDictionary(f => f.Key, f => string.Join(", ", f)),
            http2Fields.Where(f => !framing.Contains(f.Key)).ToDictionary(f => f.Key, f => string.Join(", ", f)));
        Assert.Equal("kept", http2Fields["x-end-to-end"].Single());
        Assert.Equal("1", response.TrailingHeaders.GetValues("X-Sum").Single()); // the Trailer field is dropped, not the trailers
    }

    /// <summary>
    /// What every path forwards: the Host, the proxy's own forwarding fields (never the client's:
    /// its spoofed Forwarded is gone whether or not the proxy adds one), the end-to-end field, none of <paramref name="dropped"/>.
    /// </summary>
    private static void AssertProxysOwnFields(SeenRequest seen, string host, string proto, int listenerPort, bool addForwarded, string[] dropped)
    {
        Assert.Equal(host, seen.Host);
        Assert.Equal("127.0.0.1", seen.Headers["x-forwarded-for"]);
        Assert.Equal(proto, seen.Headers["x-forwarded-proto"]);
        Assert.Equal(host, seen.Headers["x-forwarded-host"]);
        Assert.Equal(listenerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), seen.Headers["x-forwarded-port"]);
        if (addForwarded)
        {
            Assert.Equal($"for=127.0.0.1;proto={proto};host=\"{host}\"", seen.Headers["forwarded"]);
        }
        else
        {
            Assert.False(seen.Headers.ContainsKey("forwarded"), seen.Headers.GetValueOrDefault("forwarded"));
        }

        Assert.Equal("kept", seen.Headers["x-end-to-end"]);
        foreach (var hop in dropped)
        {
            Assert.False(seen.Headers.ContainsKey(hop), hop);
        }
    }

    /// <summary>An HTTP/2 request carrying a client's own forwarding fields, hop-by-hop fields HTTP/2 allows, and an end-to-end one.</summary>
    private static HttpRequestMessage SpoofedHttp2Request(string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "6.6.6.6");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "http");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "evil.example");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Port", "1");
        request.Headers.TryAddWithoutValidation("Forwarded", "for=6.6.6.6");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic eDp5");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        request.Headers.TryAddWithoutValidation("X-End-To-End", "kept");
        return request;
    }

    /// <summary>app.example.com offloaded to a plain backend, or bridged to a TLS one (checked against the test CA as backend.internal).</summary>
    private static string OffloadedApp(int port, bool tlsBackend) => tlsBackend
        ? Manifests.Service("pod", "https", port) + TestPki.TlsSecret("site-tls", TestPki.App) + TestPki.CaSecret("good-ca", TestPki.Ca)
            + Manifests.Ingress("site", "app.example.com", "pod", port: 443, tls: "tls: [{hosts: [app.example.com], secretName: site-tls}]",
                annotations: "cloudingress.io/tls-mode: bridge, cloudingress.io/backend-ca-secret: good-ca, cloudingress.io/backend-sni: backend.internal")
        : TestPki.OffloadedApp(port, TestPki.App);
}
