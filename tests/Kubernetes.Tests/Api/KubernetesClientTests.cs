using CloudIngress.Core.Resources;
using CloudIngress.Emulators.Kubernetes;
using CloudIngress.Kubernetes.Api;
using CloudIngress.Tests;
using System.Net;
using System.Text.Json.Nodes;

namespace CloudIngress.Kubernetes.Tests.Api;

/// <summary>The typed client against the emulated API server, faults included.</summary>
public sealed class KubernetesClientTests : IAsyncLifetime
{
    private KubernetesApiEmulator _api = null!;
    private KubernetesClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await KubernetesApiEmulator.StartAsync();
        _api.BookmarkInterval = TimeSpan.FromMilliseconds(200);
        _client = new KubernetesClient(new HttpClient { BaseAddress = _api.Url }) { InitialBackoff = TimeSpan.FromMilliseconds(10) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task List_FollowsEveryPage_AndReturnsTheVersionToWatchFrom()
    {
        for (var i = 0; i < 5; i++)
        {
            await Seed($"svc{i}");
        }

        var list = await _client.ListAsync(ResourceTypes.Services, "default", pageSize: 2);
        Assert.Equal(["svc0", "svc1", "svc2", "svc3", "svc4"], list.Items.Select(s => s.Metadata.Name));
        Assert.Equal(80, list.Items[0].Spec!.Ports![0].Port);
        Assert.False(string.IsNullOrEmpty(list.ResourceVersion));
        Assert.Equal("svc3", (await _client.GetAsync(ResourceTypes.Services, "default", "svc3")).Metadata.Name);
        Assert.Single((await _client.ListAsync(ResourceTypes.Services, null, fieldSelector: "metadata.name=svc1")).Items);
    }

    [Fact]
    public async Task Watch_StreamsTypedEventsAndBookmarks()
    {
        var list = await _client.ListAsync(ResourceTypes.Services, "default");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<WatchEventType>();
        var watching = Task.Run(async () =>
        {
            await foreach (var change in _client.WatchAsync(ResourceTypes.Services, "default", list.ResourceVersion, cancellationToken: stop.Token))
            {
                seen.Add(change.Type);
                if (change.Type == WatchEventType.Deleted)
                {
                    Assert.Equal("watched", change.Object!.Metadata.Name);
                }

                if (seen.Contains(WatchEventType.Deleted) && change.Type == WatchEventType.Bookmark)
                {
                    return;
                }
            }
        });
        await Eventually.Until(() => _api.Store.OpenWatches == 1, what: "the watch registered");
        await Seed("watched");
        await _client.PatchAsync(ResourceTypes.Services, "default", "watched", JsonNode.Parse("""{"metadata":{"labels":{"a":"b"}}}""")!);
        await _client.DeleteAsync(ResourceTypes.Services, "default", "watched");
        await watching;
        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], seen.Where(t => t != WatchEventType.Bookmark));
    }

    [Fact]
    public async Task Watch_FromACompactedVersion_ThrowsExpired()
    {
        var list = await _client.ListAsync(ResourceTypes.Services, "default");
        await Seed("a");
        _api.Store.CompactHistory();
        await Assert.ThrowsAsync<ResourceExpiredException>(async () =>
        {
            await foreach (var _ in _client.WatchAsync(ResourceTypes.Services, "default", list.ResourceVersion))
            {
            }
        });
    }

    [Fact]
    public async Task ConditionalPatch_WithAStaleVersion_IsAConflict()
    {
        var created = await Seed("a");
        await _client.PatchAsync(ResourceTypes.Services, "default", "a", JsonNode.Parse("""{"metadata":{"labels":{"x":"1"}}}""")!);
        var stale = new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = created.Metadata.ResourceVersion, ["finalizers"] = new JsonArray("cloudingress.io/finalizer") } };
        await Assert.ThrowsAsync<ConflictException>(() => _client.PatchAsync(ResourceTypes.Services, "default", "a", stale));
    }

    [Fact]
    public async Task ApplyStatus_SetsOnlyTheStatus()
    {
        await Seed("lb");
        var body = new JsonObject
        {
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = "lb", ["namespace"] = "default" },
            ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = "192.0.2.7" }) } },
        };
        var applied = await _client.ApplyAsync(ResourceTypes.Services, "default", "lb", body, "cloudingress", "status");
        Assert.Equal("192.0.2.7", applied.Status!.LoadBalancer!.Ingress![0].Ip);
        Assert.Equal(80, applied.Spec!.Ports![0].Port);
    }

    [Fact]
    public async Task ThrottlingAndServerErrors_AreRetried_NotFoundIsNot()
    {
        await Seed("a");
        _api.Faults.FailNext(2, 503, "/services");
        _api.Faults.FailNext(1, 429, "/services", TimeSpan.Zero);
        Assert.Single((await _client.ListAsync(ResourceTypes.Services, "default")).Items);
        var missing = await Assert.ThrowsAsync<KubernetesApiException>(() => _client.GetAsync(ResourceTypes.Services, "default", "nope"));
        Assert.True(missing.IsNotFound);
        Assert.Equal("NotFound", missing.Reason);
    }

    [Fact]
    public async Task Throttled_WaitsOutRetryAfterOnItsClock()
    {
        var clock = new TestClock();
        using var client = new KubernetesClient(new HttpClient { BaseAddress = _api.Url }, clock) { InitialBackoff = TimeSpan.FromMilliseconds(10) };
        var retryAfter = TimeSpan.FromSeconds(3);
        _api.Faults.FailNext(1, 429, "/services", retryAfter);
        var list = client.ListAsync(ResourceTypes.Services, "default");
        await Eventually.Until(() => clock.Requested.Contains(retryAfter), what: "the wait Retry-After asks for");
        clock.Advance(retryAfter - TimeSpan.FromTicks(1));
        Assert.False(list.IsCompleted, "sent again before Retry-After had passed");
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Empty((await list.WaitAsync(TimeSpan.FromSeconds(10))).Items);
    }

    [Fact]
    public async Task PersistentFailure_SurfacesAfterTheRetries()
    {
        _api.Faults.FailNext(10, 500, "/services");
        var error = await Assert.ThrowsAsync<KubernetesApiException>(() => _client.ListAsync(ResourceTypes.Services, "default"));
        Assert.Equal(HttpStatusCode.InternalServerError, error.Status);
    }

    private async Task<Service> Seed(string name)
    {
        var body = new JsonObject
        {
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
            ["spec"] = new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = 80 }) },
        };
        return await _client.ApplyAsync(ResourceTypes.Services, "default", name, body, "test");
    }
}
