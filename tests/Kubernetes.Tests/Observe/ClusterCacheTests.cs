using CloudIngress.Emulators.Kubernetes;
using CloudIngress.Kubernetes.Api;
using CloudIngress.Kubernetes.Observe;
using CloudIngress.Tests;
using System.Text.Json.Nodes;

namespace CloudIngress.Kubernetes.Tests.Observe;

/// <summary>Informers and the cache against the emulated API server, dropped watches and 410s included.</summary>
public sealed class ClusterCacheTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private KubernetesApiEmulator _api = null!;
    private KubernetesClient _client = null!;
    private ClusterCache _cache = null!;
    private Task _running = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _api = await KubernetesApiEmulator.StartAsync();
        _client = new KubernetesClient(new HttpClient { BaseAddress = _api.Url }) { InitialBackoff = TimeSpan.FromMilliseconds(10) };
        await Apply(ResourceTypes.Services, "before", new JsonObject { ["spec"] = new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = 80 }) } });
        _cache = new ClusterCache(_client, new TestLogger(output));
        _running = _cache.RunAsync(_stop.Token);
        await Eventually.Until(() => _cache.Synced);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _api.DisposeAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }

        _client.Dispose();
    }

    [Fact]
    public async Task Snapshot_HasWhatWasThere_AndFollowsChanges()
    {
        Assert.Contains(_cache.Snapshot().Services, s => s.Metadata.Name == "before");
        await Apply(ResourceTypes.Ingresses, "web", IngressSpec());
        await Eventually.Until(() => _cache.Snapshot().Ingresses.Any(i => i.Metadata.Name == "web"));
        await _client.DeleteAsync(ResourceTypes.Services, "default", "before");
        await Eventually.Until(() => _cache.Snapshot().Services.Count == 0);
    }

    [Fact]
    public async Task Changes_AreBatched()
    {
        await DrainSignals();
        for (var i = 0; i < 5; i++)
        {
            await Apply(ResourceTypes.Services, $"burst{i}", new JsonObject());
        }

        await _cache.WaitForChangesAsync(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), CancellationToken.None);
        Assert.Equal(6, _cache.Snapshot().Services.Count);
    }

    [Fact]
    public async Task DroppedWatch_MissesNothing()
    {
        _api.Store.DropWatches();
        await Apply(ResourceTypes.Services, "while-dropped", new JsonObject());
        await Eventually.Until(() => _cache.Snapshot().Services.Any(s => s.Metadata.Name == "while-dropped"));
        Assert.True(_cache.WatchRestarts > 0);
    }

    [Fact]
    public async Task ExpiredHistory_Relists_AndReportsDeletions()
    {
        await Apply(ResourceTypes.Services, "doomed", new JsonObject());
        await Eventually.Until(() => _cache.Snapshot().Services.Any(s => s.Metadata.Name == "doomed"));
        _api.Store.DropWatches();
        await _client.DeleteAsync(ResourceTypes.Services, "default", "doomed");
        await Apply(ResourceTypes.Services, "fresh", new JsonObject());
        _api.Store.CompactHistory();
        _api.Store.DropWatches();
        await Eventually.Until(() => _cache.Snapshot().Services.Any(s => s.Metadata.Name == "fresh") && _cache.Snapshot().Services.All(s => s.Metadata.Name != "doomed"));
    }

    [Fact]
    public async Task Secrets_OnlyTlsAndReferencedOnesKeepTheirData_UnreferencedChangesNeedNoRebuild()
    {
        await Apply(ResourceTypes.Secrets, "users", new JsonObject { ["type"] = "Opaque", ["data"] = new JsonObject { ["auth"] = "dXNlcjpwYXNz" } });
        await Apply(ResourceTypes.Secrets, "site", new JsonObject { ["type"] = "kubernetes.io/tls", ["data"] = new JsonObject { ["tls.crt"] = "eA==", ["tls.key"] = "eQ==" } });
        await Eventually.Until(() => _cache.Secrets.Items.Count == 2);
        Assert.Null(_cache.Secrets.Find("default", "users")!.Data);
        Assert.NotNull(_cache.Secrets.Find("default", "site")!.Data);
        Assert.DoesNotContain(_cache.Snapshot().Secrets, s => s.Metadata.Name == "users");

        await DrainSignals();
        await Apply(ResourceTypes.Secrets, "users", new JsonObject { ["type"] = "Opaque", ["data"] = new JsonObject { ["auth"] = "b3RoZXI=" } });
        await Task.Delay(300);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => WaitSignal(TimeSpan.FromMilliseconds(300)));

        var spec = IngressSpec();
        await Apply(ResourceTypes.Ingresses, "staff", spec, new JsonObject { ["cloudingress.io/auth-type"] = "basic", ["cloudingress.io/auth-secret"] = "users" });
        await Eventually.Until(() => _cache.Snapshot().Secrets.Any(s => s.Metadata.Name == "users"));
        Assert.Equal("b3RoZXI=", _cache.Secrets.Find("default", "users")!.Data!["auth"]);
    }

    private async Task DrainSignals()
    {
        try
        {
            while (true)
            {
                await WaitSignal(TimeSpan.FromMilliseconds(300));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WaitSignal(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _cache.WaitForChangesAsync(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50), cts.Token);
    }

    private static JsonObject IngressSpec() => new()
    {
        ["spec"] = new JsonObject { ["defaultBackend"] = new JsonObject { ["service"] = new JsonObject { ["name"] = "web", ["port"] = new JsonObject { ["number"] = 80 } } } },
    };

    private async Task Apply<T>(ResourceType<T> type, string name, JsonObject body, JsonObject? annotations = null)
        where T : class
    {
        body["kind"] = type == (object)ResourceTypes.Ingresses ? "Ingress" : type == (object)ResourceTypes.Secrets ? "Secret" : "Service";
        body["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default", ["annotations"] = annotations };
        await _client.ApplyAsync(type, "default", name, body, "test");
    }

}
