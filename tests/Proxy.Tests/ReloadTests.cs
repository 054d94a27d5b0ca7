using CloudIngress.Proxy.Tests.Infrastructure;
using CloudIngress.Tests;
using System.Net;
using System.Text.Json;

namespace CloudIngress.Proxy.Tests;

/// <summary>Configuration swaps under load drop nothing; in-flight requests finish on the table they started with.</summary>
public sealed class ReloadTests : IAsyncLifetime
{
    private TestBackend _blue = null!;
    private TestBackend _green = null!;
    private ProxyHarness _proxy = null!;

    public async Task InitializeAsync()
    {
        _blue = await TestBackend.StartAsync("blue");
        _green = await TestBackend.StartAsync("green");
        _proxy = await ProxyHarness.StartAsync();
        _proxy.Apply(Model("blue", 0));
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _blue.DisposeAsync();
        await _green.DisposeAsync();
    }

    [Fact]
    public async Task SwapsUnderConcurrentLoad_ZeroFailedRequests()
    {
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var completed = 0;
        var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            using var client = _proxy.Client();
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.GetAsync("http://app.example.com/");
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }

                Interlocked.Increment(ref completed);
            }
        })).ToList();

        for (var i = 1; i <= 40; i++)
        {
            _proxy.Apply(Model(i % 2 == 0 ? "blue" : "green", i));
            // Each table serves some requests before the next swap.
            var before = Volatile.Read(ref completed);
            await Eventually.Until(() => Volatile.Read(ref completed) >= before + 4, what: "requests between swaps");
        }

        await stop.CancelAsync();
        await Task.WhenAll(clients);
        Assert.Equal(0, failures);
        Assert.True(completed > 100, $"only {completed} requests completed");
        Assert.NotEmpty(_blue.Seen);
        Assert.NotEmpty(_green.Seen);
    }

    [Fact]
    public async Task InFlightRequest_FinishesOnTheOldTable_NewOnesUseTheNew()
    {
        using var client = _proxy.Client();
        var slow = client.GetAsync("http://app.example.com/delay/1000");
        await Eventually.Until(() => _blue.InFlight > 0, what: "the slow request at the backend");
        _proxy.Apply(Manifests.Service("green", _green.Port) + Manifests.Ingress("other", "other.example.com", "green"));
        using var response = await slow;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("blue", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("backend").GetString());
        using var after = await client.GetAsync("http://app.example.com/");
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    /// <summary>app.example.com to one backend, plus a few unrelated routes that change every time.</summary>
    private string Model(string target, int generation) =>
        Manifests.Service("blue", _blue.Port)
        + Manifests.Service("green", _green.Port)
        + Manifests.Ingress("app", "app.example.com", target)
        + string.Concat(Enumerable.Range(0, generation % 5).Select(i => Manifests.Ingress($"extra{i}", $"extra{i}.example.com", "green")));
}
