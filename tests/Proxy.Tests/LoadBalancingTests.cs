using CloudIngress.Proxy.Tests.Infrastructure;
using CloudIngress.Tests;
using System.Net;

namespace CloudIngress.Proxy.Tests;

/// <summary>Balancing policies and health over real endpoints.</summary>
public sealed class LoadBalancingTests : IAsyncLifetime
{
    private readonly List<TestBackend> _backends = [];
    private ProxyHarness _proxy = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            _backends.Add(await TestBackend.StartAsync($"b{i}"));
        }

        var ports = _backends.Select(b => b.Port).ToArray();
        _proxy = await ProxyHarness.StartAsync();
        _proxy.Apply(
            Manifests.Service("three", ports)
            + Manifests.Service("two", ports[..2])
            + Manifests.Ingress("rr", "rr.example.com", "three")
            + Manifests.Ingress("p2c", "p2c.example.com", "three", annotations: "cloudingress.io/load-balancing: random-two")
            + Manifests.Ingress("least", "least.example.com", "two", annotations: "cloudingress.io/load-balancing: least-request")
            + Manifests.Ingress("checked", "checked.example.com", "two",
                annotations: "cloudingress.io/healthcheck-path: /healthz, cloudingress.io/healthcheck-interval-seconds: '5', cloudingress.io/healthcheck-timeout-seconds: '2', cloudingress.io/unhealthy-threshold-count: '2'"));
        _client = _proxy.Client();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _proxy.DisposeAsync();
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }

    [Fact]
    public async Task RoundRobin_SpreadsEvenly()
    {
        var counts = await Spread("rr.example.com", 30);
        Assert.All(_backends, b => Assert.Equal(10, counts.GetValueOrDefault(b.Name)));
    }

    [Fact]
    public async Task RandomTwo_UsesEveryEndpoint()
    {
        var counts = await Spread("p2c.example.com", 90);
        Assert.All(_backends, b => Assert.InRange(counts.GetValueOrDefault(b.Name), 10, 70));
    }

    [Fact]
    public async Task LeastRequest_AvoidsTheBusyEndpoint()
    {
        var slow = _client.GetAsync("http://least.example.com/delay/2000");
        await Eventually.Until(() => _backends.Take(2).Any(b => b.InFlight > 0), TimeSpan.FromSeconds(5), "the slow request at a backend");
        var busy = _backends.Take(2).Single(b => b.InFlight > 0).Name;
        var counts = await Spread("least.example.com", 10);
        Assert.Equal(0, counts.GetValueOrDefault(busy));
        using var done = await slow;
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
    }

    [Fact]
    public async Task ActiveHealthCheck_TakesAFailingEndpointOutOfRotation()
    {
        _backends[1].HealthStatus = 503;
        // Two failed probes five seconds apart mark it down.
        await Eventually.Until(() => _proxy.Server.Current.Backends.Single(b => b.Model.HealthCheck is not null)
            .Endpoints.Count(e => !e.ProbeHealthy) == 1, TimeSpan.FromSeconds(15), "the failing endpoint marked down");
        var counts = await Spread("checked.example.com", 10);
        Assert.Equal(10, counts.GetValueOrDefault("b0"));
        _backends[1].HealthStatus = 200;
    }

    private async Task<Dictionary<string, int>> Spread(string host, int requests)
    {
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < requests; i++)
        {
            var body = await _client.GetStringAsync($"http://{host}/");
            var name = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("backend").GetString()!;
            counts[name] = counts.GetValueOrDefault(name) + 1;
        }

        return counts;
    }
}
