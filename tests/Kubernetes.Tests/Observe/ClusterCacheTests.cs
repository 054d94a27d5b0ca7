using CloudIngress.Emulators.Kubernetes;
using CloudIngress.Kubernetes.Observe;
using CloudIngress.Tests;
using k8s;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace CloudIngress.Kubernetes.Tests.Observe;

/// <summary>Informers and the cache against the emulated API server, dropped watches and 410s included.</summary>
public sealed class ClusterCacheTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly ApiResource Pools = ApiResource.All.Single(r => r.Kind == "IPAddressPool");
    private static readonly ApiResource L2 = ApiResource.All.Single(r => r.Kind == "L2Advertisement");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _stop = new();
    private readonly TestClock _clock = new();
    private KubernetesApiEmulator _api = null!;
    private IKubernetes _client = null!;
    private ClusterCache _cache = null!;
    private Task _running = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _api = await KubernetesApiEmulator.StartAsync();
        _client = TestKube.Client(_api.Url);
        await Apply("Service", "before", new JsonObject { ["spec"] = new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = 80 }) } });
        _cache = new ClusterCache(_client, new TestLogger(output), time: _clock);
        _running = _cache.RunAsync(_stop.Token);
        await Eventually.Until(() => _cache.Synced && _api.Store.OpenWatches == 5, what: "every kind listed and watched");
        // Once synced the cache signals a first rebuild; take it, so each test starts with none pending.
        await _cache.WaitForChangesAsync(TimeSpan.Zero, TimeSpan.Zero, CancellationToken.None).WaitAsync(Bound);
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
    public async Task WithMetalLb_SnapshotHasPoolsWithEveryField_Advertisements_AndNamespaces_AndFollowsChanges()
    {
        _api.Store.EnsureNamespace("metallb-system");
        _api.Store.Create(Pools, "metallb-system", (JsonObject)JsonNode.Parse("""
            {"apiVersion": "metallb.io/v1beta1", "kind": "IPAddressPool", "metadata": {"name": "team", "namespace": "metallb-system", "labels": {"tier": "a"}},
             "spec": {"addresses": ["10.0.0.0/30"], "autoAssign": false, "avoidBuggyIPs": true,
                      "serviceAllocation": {"priority": 5, "namespaces": ["shop"], "serviceSelectors": [{"matchLabels": {"app": "web"}}]}}}
            """)!);
        _api.Store.Create(L2, "metallb-system", (JsonObject)JsonNode.Parse("""
            {"apiVersion": "metallb.io/v1beta1", "kind": "L2Advertisement", "metadata": {"name": "a", "namespace": "metallb-system"},
             "spec": {"ipAddressPoolSelectors": [{"matchLabels": {"tier": "a"}}]}}
            """)!);
        using var stop = new CancellationTokenSource();
        var cache = new ClusterCache(_client, new TestLogger(output), observeMetalLb: true);
        var running = cache.RunAsync(stop.Token);
        await Eventually.Until(() => cache.Synced, what: "every kind listed, MetalLB's included");
        var snapshot = cache.Snapshot();
        var pool = Assert.Single(snapshot.AddressPools);
        Assert.Equal(("team", "metallb-system"), (pool.Metadata.Name, pool.Metadata.Namespace));
        Assert.Equal(["10.0.0.0/30"], pool.Spec!.Addresses!);
        Assert.Equal((false, true), (pool.Spec.AutoAssign, pool.Spec.AvoidBuggyIPs));
        Assert.Equal(5, pool.Spec.ServiceAllocation!.Priority);
        Assert.Equal(["shop"], pool.Spec.ServiceAllocation.Namespaces!);
        Assert.Equal("web", pool.Spec.ServiceAllocation.ServiceSelectors![0].MatchLabels!["app"]);
        Assert.Equal("a", Assert.Single(snapshot.L2Advertisements).Spec!.IpAddressPoolSelectors![0].MatchLabels!["tier"]);
        Assert.Contains(snapshot.Namespaces, n => n.Metadata.Name == "metallb-system");

        _api.Store.Patch(Pools, "metallb-system", "team", (JsonObject)JsonNode.Parse("""{"spec": {"addresses": ["10.0.1.0/30"]}}""")!, status: false);
        await Eventually.Until(() => cache.Snapshot().AddressPools.Single().Spec!.Addresses![0] == "10.0.1.0/30", what: "the pool change seen");
        await _client.CustomObjects.DeleteNamespacedCustomObjectAsync("metallb.io", "v1beta1", "metallb-system", "ipaddresspools", "team");
        await Eventually.Until(() => cache.Snapshot().AddressPools.Count == 0, what: "the deleted pool gone");
        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
        }
    }

    [Fact]
    public async Task Snapshot_HasWhatWasThere_AndFollowsChanges()
    {
        Assert.Contains(_cache.Snapshot().Services, s => s.Metadata.Name == "before");
        await Apply("Ingress", "web", IngressSpec());
        await Eventually.Until(() => _cache.Snapshot().Ingresses.Any(i => i.Metadata.Name == "web"));
        await _client.CoreV1.DeleteNamespacedServiceAsync("before", "default");
        await Eventually.Until(() => _cache.Snapshot().Services.Count == 0);
    }

    [Fact]
    public async Task Changes_AreBatched()
    {
        for (var i = 0; i < 5; i++)
        {
            await Apply("Service", $"burst{i}", new JsonObject());
        }

        var quiet = TimeSpan.FromMilliseconds(200);
        var batch = _cache.WaitForChangesAsync(quiet, TimeSpan.FromSeconds(2), CancellationToken.None);
        await Eventually.Until(() => _cache.Snapshot().Services.Count == 6 && _clock.Waiting == 1, what: "the burst seen, its quiet window running");
        Assert.False(batch.IsCompleted, "a burst is one batch: it ends after the quiet window, not at the first change");
        _clock.Advance(quiet);
        await batch.WaitAsync(Bound);
        Assert.Equal(6, _cache.Snapshot().Services.Count);
    }

    [Fact]
    public async Task ChangesThatKeepComing_AreCutOffAtTheCap()
    {
        var (quiet, cap, step) = (TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(150));
        var handled = new ConcurrentQueue<string>();
        // Handlers run in the order they were added: the cache's own has noted the change when this one runs.
        _cache.Services.Changed += (_, service) => handled.Enqueue(service.Metadata.Name!);
        var batch = _cache.WaitForChangesAsync(quiet, cap, CancellationToken.None);
        for (var i = 0; i < 4; i++)
        {
            var name = $"steady{i}";
            await Apply("Service", name, new JsonObject());
            await Eventually.Until(() => handled.Contains(name) && (batch.IsCompleted || _clock.Waiting == 1), what: $"{name} handled, the batch waiting");
            Assert.False(batch.IsCompleted, $"ended {i * step.TotalMilliseconds} ms in, before the cap, while changes kept coming within the quiet window");
            _clock.Advance(step); // the last step crosses the cap
        }

        await batch.WaitAsync(Bound);
    }

    [Fact]
    public async Task DroppedWatch_MissesNothing()
    {
        _api.Store.DropWatches();
        await Apply("Service", "while-dropped", new JsonObject());
        await Eventually.Until(() => _cache.Snapshot().Services.Any(s => s.Metadata.Name == "while-dropped"));
        Assert.True(_cache.WatchRestarts > 0);
    }

    [Fact]
    public async Task WatchDroppedMidStream_MissesNothing()
    {
        // Events already delivered on the stream, then it drops, then more changes.
        await Apply("Service", "streamed", new JsonObject());
        await Eventually.Until(() => _cache.Snapshot().Services.Any(s => s.Metadata.Name == "streamed"), what: "a change delivered on the watch");
        var restarts = _cache.WatchRestarts;
        _api.Store.DropWatches();
        await Apply("Service", "after-drop", new JsonObject());
        await _client.CoreV1.DeleteNamespacedServiceAsync("streamed", "default");
        await Eventually.Until(() => _cache.Snapshot().Services.Any(s => s.Metadata.Name == "after-drop") && _cache.Snapshot().Services.All(s => s.Metadata.Name != "streamed"),
            what: "the changes made after the drop");
        Assert.True(_cache.WatchRestarts > restarts);
    }

    [Fact]
    public async Task ApiServerRestart_MissesNothing()
    {
        await Apply("Service", "doomed", new JsonObject());
        await Eventually.Until(() => _cache.Snapshot().Services.Any(s => s.Metadata.Name == "doomed"));
        // While the server is down, other clients change things (written to its store directly).
        var services = ApiResource.All.Single(r => r.Plural == "services");
        await _api.RestartAsync(() =>
        {
            _api.Store.Delete(services, "default", "doomed");
            _api.Store.Create(services, "default", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Service", ["metadata"] = new JsonObject { ["name"] = "born-while-down" } });
            return Task.CompletedTask;
        });
        // Informers back off on the test's clock while the server is unreachable: time moves on as the test waits.
        await Eventually.Until(() =>
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            var names = _cache.Snapshot().Services.Select(s => s.Metadata.Name).ToList();
            return names.Contains("born-while-down") && !names.Contains("doomed");
        }, Bound, "the changes made while the API server was down");
        await Apply("Service", "after-restart", new JsonObject());
        await Eventually.Until(() => _cache.Snapshot().Services.Any(s => s.Metadata.Name == "after-restart"), Bound, "a change after the restart, by the resumed watch");
    }

    [Fact]
    public async Task ExpiredHistory_Relists_AndReportsDeletions()
    {
        await Apply("Service", "doomed", new JsonObject());
        await Eventually.Until(() => _cache.Snapshot().Services.Any(s => s.Metadata.Name == "doomed"));
        _api.Store.DropWatches();
        await _client.CoreV1.DeleteNamespacedServiceAsync("doomed", "default");
        await Apply("Service", "fresh", new JsonObject());
        _api.Store.CompactHistory();
        _api.Store.DropWatches();
        await Eventually.Until(() => _cache.Snapshot().Services.Any(s => s.Metadata.Name == "fresh") && _cache.Snapshot().Services.All(s => s.Metadata.Name != "doomed"));
    }

    [Fact]
    public async Task Secrets_OnlyTlsAndReferencedOnesKeepTheirData_UnreferencedChangesNeedNoRebuild()
    {
        await Apply("Secret", "users", new JsonObject { ["type"] = "Opaque", ["data"] = new JsonObject { ["auth"] = "dXNlcjpwYXNz" } });
        await Apply("Secret", "site", new JsonObject { ["type"] = "kubernetes.io/tls", ["data"] = new JsonObject { ["tls.crt"] = "eA==", ["tls.key"] = "eQ==" } });
        await Eventually.Until(() => _cache.Secrets.Items.Count == 2);
        Assert.Null(_cache.Secrets.Find("default", "users")!.Data);
        Assert.NotNull(_cache.Secrets.Find("default", "site")!.Data);
        Assert.DoesNotContain(_cache.Snapshot().Secrets, s => s.Metadata.Name == "users");

        var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Handlers run in the order they were added: the cache's own has decided about a rebuild when this one runs.
        _cache.Secrets.Changed += (_, secret) =>
        {
            if (secret.Metadata.Name == "users" && secret.Data?.GetValueOrDefault("auth") == "b3RoZXI=")
            {
                handled.TrySetResult();
            }
        };
        await Apply("Secret", "users", new JsonObject { ["type"] = "Opaque", ["data"] = new JsonObject { ["auth"] = "b3RoZXI=" } });
        await handled.Task.WaitAsync(Bound);
        Assert.False(_cache.ChangePending, "a change to a Secret nobody refers to needs no rebuild");

        var spec = IngressSpec();
        await Apply("Ingress", "staff", spec, new JsonObject { ["cloudingress.io/auth-type"] = "basic", ["cloudingress.io/auth-secret"] = "users" });
        await Eventually.Until(() => _cache.Snapshot().Secrets.Any(s => s.Metadata.Name == "users"));
        Assert.Equal("b3RoZXI=", _cache.Secrets.Find("default", "users")!.Data!["auth"]);
    }

    [Fact]
    public async Task TakingASnapshot_TakesTheChangesItHolds()
    {
        await Apply("Ingress", "web", IngressSpec());
        await Eventually.Until(() => _cache.ChangePending && _cache.Ingresses.Find("default", "web") is not null, what: "the change stored and signalled");
        Assert.Contains(_cache.TakeSnapshot().Ingresses, i => i.Metadata.Name == "web");
        Assert.False(_cache.ChangePending, "the snapshot has the change: no second pass for it");
        await Apply("Ingress", "shop", IngressSpec());
        await Eventually.Until(() => _cache.ChangePending, what: "the second change signalled");
        Assert.Equal(2, _cache.Snapshot().Ingresses.Count);
        Assert.True(_cache.ChangePending, "a plain snapshot (status, events) leaves the change to the reconciler");
    }

    private static JsonObject IngressSpec() => new()
    {
        ["spec"] = new JsonObject { ["defaultBackend"] = new JsonObject { ["service"] = new JsonObject { ["name"] = "web", ["port"] = new JsonObject { ["number"] = 80 } } } },
    };

    private async Task Apply(string kind, string name, JsonObject body, JsonObject? annotations = null)
    {
        body["kind"] = kind;
        body["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default", ["annotations"] = annotations };
        await _client.ApplyAsync(body);
    }

}
