using CloudIngress.Proxy.Tests.Infrastructure;
using System.Net;

namespace CloudIngress.Proxy.Tests;

/// <summary>Failures map to the status a user expects, with a short plain-text body; retries only where safe.</summary>
public sealed class ErrorMappingTests : IAsyncLifetime
{
    private TestBackend _live = null!;
    private ProxyHarness _proxy = null!;
    private HttpClient _client = null!;
    private int _dead;

    public async Task InitializeAsync()
    {
        _live = await TestBackend.StartAsync("live");
        _dead = ClosedPort.Get();
        _proxy = await ProxyHarness.StartAsync(new ProxyOptions { PassiveHealthWindow = TimeSpan.FromMinutes(5) });
        _proxy.Apply(
            Manifests.Service("live", _live.Port)
            + Manifests.Service("dead", _dead)
            + Manifests.Service("mixed", _dead, _live.Port)
            + Manifests.Ingress("live", "live.example.com", "live")
            + Manifests.Ingress("dead", "dead.example.com", "dead")
            + Manifests.Ingress("mixed", "mixed.example.com", "mixed")
            + Manifests.Ingress("slow", "slow.example.com", "live", annotations: "cloudingress.io/request-timeout: 500ms")
            + Manifests.Ingress("small", "small.example.com", "live", annotations: "cloudingress.io/proxy-body-size: 1k")
            + """
            apiVersion: v1
            kind: Service
            metadata: {name: empty, namespace: default}
            spec: {ports: [{port: 80}]}
            """
            + Manifests.Ingress("empty", "empty.example.com", "empty"),
            allowErrors: false);
        _client = _proxy.Client();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _proxy.DisposeAsync();
        await _live.DisposeAsync();
    }

    [Fact]
    public async Task NoReadyEndpoints_Is503()
    {
        using var response = await _client.GetAsync("http://empty.example.com/");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("503 no ready endpoints for this backend\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RefusedConnection_Is502()
    {
        using var response = await _client.PostAsync("http://dead.example.com/", new StringContent("x"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("502 could not connect to the backend\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SlowBackend_Is504()
    {
        using var response = await _client.GetAsync("http://slow.example.com/delay/3000");
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("504 the backend did not answer in time\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BodyOverTheRouteLimit_Is413()
    {
        using var small = await _client.PostAsync("http://small.example.com/upload", new ByteArrayContent(new byte[1000]));
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        using var large = await _client.PostAsync("http://small.example.com/upload", new ByteArrayContent(new byte[5000]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
    }

    [Fact]
    public async Task IdempotentRequests_AreRetriedOnConnectFailure_AndTheDeadEndpointLeavesRotation()
    {
        // Round robin over a dead and a live endpoint: without retries half of these would fail.
        for (var i = 0; i < 10; i++)
        {
            using var response = await _client.GetAsync("http://mixed.example.com/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The refused endpoint is out (passive health), so even a POST, which is never retried, lands on the live one.
        for (var i = 0; i < 4; i++)
        {
            using var response = await _client.PostAsync("http://mixed.example.com/upload", new StringContent("body"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task BackendStatusCodes_PassThroughUnchanged()
    {
        foreach (var code in new[] { 201, 204, 400, 404, 500, 503 })
        {
            using var response = await _client.GetAsync($"http://live.example.com/status/{code}");
            Assert.Equal(code, (int)response.StatusCode);
        }
    }
}
