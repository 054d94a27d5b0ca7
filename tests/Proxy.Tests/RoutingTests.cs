using CloudIngress.Proxy.Tests.Infrastructure;
using System.Net;
using System.Text.Json;

namespace CloudIngress.Proxy.Tests;

/// <summary>Host and path routing, forwarding headers and hop-by-hop hygiene, over real sockets.</summary>
public sealed class RoutingTests : IAsyncLifetime
{
    private TestBackend _web = null!;
    private TestBackend _api = null!;
    private TestBackend _any = null!;
    private ProxyHarness _proxy = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _web = await TestBackend.StartAsync("web");
        _api = await TestBackend.StartAsync("api");
        _any = await TestBackend.StartAsync("any");
        _proxy = await ProxyHarness.StartAsync();
        _proxy.Apply(Manifests.Service("web", _web.Port) + Manifests.Service("api", _api.Port) + Manifests.Service("any", _any.Port) + """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: site, namespace: default}
            spec:
              ingressClassName: cloudingress
              rules:
                - host: shop.example.com
                  http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
                      - {path: /api/v1/health, pathType: Exact, backend: {service: {name: web, port: {number: 80}}}}
                - host: "*.tenants.example.com"
                  http:
                    paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]
                - host: only-exact.example.com
                  http:
                    paths: [{path: /exact, pathType: Exact, backend: {service: {name: api, port: {number: 80}}}}]
                - http:
                    paths: [{path: /, pathType: Prefix, backend: {service: {name: any, port: {number: 80}}}}]
            """);
        _client = _proxy.Client();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _proxy.DisposeAsync();
        await _web.DisposeAsync();
        await _api.DisposeAsync();
        await _any.DisposeAsync();
    }

    [Theory]
    [InlineData("http://shop.example.com/", "web")]
    [InlineData("http://SHOP.example.com/cart", "web")]
    [InlineData("http://shop.example.com/api", "api")]
    [InlineData("http://shop.example.com/api/", "api")]
    [InlineData("http://shop.example.com/api/orders", "api")]
    [InlineData("http://shop.example.com/apiary", "web")]
    [InlineData("http://shop.example.com/api/v1/health", "web")]
    [InlineData("http://shop.example.com/api/v1/health/x", "api")]
    [InlineData("http://a.tenants.example.com/", "api")]
    [InlineData("http://a.b.tenants.example.com/", "any")]
    [InlineData("http://tenants.example.com/", "any")]
    [InlineData("http://unknown.example.org/", "any")]
    public async Task Request_IsRoutedByHostThenPath(string url, string backend) =>
        Assert.Equal(backend, (await Echo(url)).GetProperty("backend").GetString());

    [Fact]
    public async Task Request_HostMatchesButNoPath_Gets404FromTheProxy()
    {
        using var response = await _client.GetAsync("http://only-exact.example.com/other");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("404 no route for this host and path\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Request_HostAndTargetArePassedThrough_ForwardedHeadersSet()
    {
        var response = await RawHttp.SendAsync(_proxy.Server.HttpPort, """
            GET /api/a%2Fb/c?x=1&y=%20 HTTP/1.1
            Host: shop.example.com
            X-Forwarded-For: 6.6.6.6
            X-Forwarded-Proto: https
            """);
        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        var seen = _api.Seen.Last();
        Assert.Equal("shop.example.com", seen.Host);
        Assert.Equal("/api/a%2Fb/c?x=1&y=%20", seen.Target);
        Assert.Equal("127.0.0.1", seen.Headers["x-forwarded-for"]);
        Assert.Equal("http", seen.Headers["x-forwarded-proto"]);
        Assert.Equal("shop.example.com", seen.Headers["x-forwarded-host"]);
        Assert.Equal(_proxy.Server.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), seen.Headers["x-forwarded-port"]);
    }

    [Fact]
    public async Task Request_HopByHopHeaders_AreNotForwarded()
    {
        var response = await RawHttp.SendAsync(_proxy.Server.HttpPort, """
            GET / HTTP/1.0
            Host: shop.example.com
            Connection: X-Secret-Hop
            X-Secret-Hop: 1
            Keep-Alive: timeout=5
            Proxy-Authorization: Basic eDp5
            TE: gzip
            X-End-To-End: kept
            """);
        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        var seen = _web.Seen.Last();
        Assert.Equal("/", seen.Target);
        Assert.False(seen.Headers.ContainsKey("x-secret-hop"));
        Assert.False(seen.Headers.ContainsKey("keep-alive"));
        Assert.False(seen.Headers.ContainsKey("proxy-authorization"));
        Assert.False(seen.Headers.ContainsKey("te"));
        Assert.Equal("kept", seen.Headers["x-end-to-end"]);
    }

    [Fact]
    public async Task Head_KeepsTheAnnouncedLengthWithoutABody()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, "http://shop.example.com/bytes/1000");
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1000, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("http://shop.example.com/")).StatusCode); // the connection stayed usable
    }

    [Fact]
    public async Task Post_BodyAndMethodArrive()
    {
        using var response = await _client.PostAsync("http://shop.example.com/upload", new StringContent("hello world"));
        Assert.StartsWith("11 ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("POST", _web.Seen.Last().Method);
    }

    private async Task<JsonElement> Echo(string url)
    {
        using var response = await _client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
