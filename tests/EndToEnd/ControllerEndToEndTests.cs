using CloudIngress.Tests;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using System.Diagnostics;
using System.Net;

namespace CloudIngress.EndToEnd.Tests;

/// <summary>
/// <c>cloudingress run --provider kestrel</c> against the emulated API server: objects applied
/// with kubectl, traffic over real sockets through the controller's proxy to echo backends.
/// </summary>
public sealed class ControllerEndToEndTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);
    private readonly ILoggerFactory _loggers = LoggerFactory.Create(b => b.AddProvider(new TestLoggerProvider(output)).SetMinimumLevel(LogLevel.Information));
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(_loggers);

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _loggers.Dispose();
    }

    [Fact]
    public async Task AppliedIngress_RoutesWithoutAResync_FollowsAPathChange_AndIs404AfterDelete()
    {
        var port = await _cluster.StartBackendAsync("web");
        var replica = await _cluster.StartReplicaAsync("solo");
        await Eventually.Until(async () => await replica.AdminStatusAsync("/readyz") == HttpStatusCode.OK, Soon, "ready after caches synced");
        await _cluster.ApplyAsync(Service("web") + Slice("web", "web-1", port));

        await _cluster.ApplyAsync(Ingress("shop", "shop.example", "/", "web"));
        var applied = Stopwatch.StartNew(); // from the moment kubectl reports the Ingress created
        // The watch must drive it: the resync is minutes away. How fast is the benchmark's to measure
        // (bench/CloudIngress.ControllerBench), not a wall-clock bound on a shared test machine.
        await Eventually.Until(async () => (await replica.GetAsync("shop.example", "/cart")).Body == "web /cart", Soon, "first routed request after kubectl apply");
        output.WriteLine($"kubectl apply returned → first routed request: {applied.ElapsedMilliseconds} ms");

        await Eventually.Until(async () => await AddressOf("shop") == "192.0.2.10", Soon, "status.loadBalancer.ingress");

        await _cluster.ApplyAsync(Ingress("shop", "shop.example", "/api", "web"));
        await Eventually.Until(async () => (await replica.GetAsync("shop.example", "/cart")).Status == HttpStatusCode.NotFound, Soon, "old path gone");
        Assert.Equal("web /api/v1", (await replica.GetAsync("shop.example", "/api/v1")).Body);

        await _cluster.KubectlAsync(null, "delete", "ingress", "shop");
        await Eventually.Until(async () => (await replica.GetAsync("shop.example", "/api/v1")).Status == HttpStatusCode.NotFound, Soon, "404 after delete");

        var metrics = await replica.AdminAsync("/metrics");
        Assert.Contains("cloudingress_reconcile_total{result=\"success\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("cloudingress_leader 1", metrics, StringComparison.Ordinal);
        Assert.Matches(@"cloudingress_status_writes_total\{result=""success""\} [1-9]", metrics);
    }

    [Fact]
    public async Task MoreEndpointSlices_SpreadTheLoad()
    {
        var one = await _cluster.StartBackendAsync("one");
        var two = await _cluster.StartBackendAsync("two");
        var replica = await _cluster.StartReplicaAsync("solo");
        await _cluster.ApplyAsync(Service("web") + Slice("web", "web-1", one) + Ingress("shop", "shop.example", "/", "web"));
        await Eventually.Until(async () => (await replica.GetAsync("shop.example", "/")).Body == "one /", Soon, "routed to the first backend");

        await _cluster.ApplyAsync(Slice("web", "web-2", two));
        await Eventually.Until(async () => (await replica.GetAsync("shop.example", "/")).Body == "two /", Soon, "the second backend takes traffic");
        var answers = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            answers.Add((await replica.GetAsync("shop.example", "/")).Body);
        }

        Assert.InRange(answers.Count(a => a == "one /"), 8, 32);
        Assert.InRange(answers.Count(a => a == "two /"), 8, 32);
    }

    [Fact]
    public async Task DroppedWatchesAndExpiredHistory_MissNoUpdate()
    {
        var port = await _cluster.StartBackendAsync("web");
        var replica = await _cluster.StartReplicaAsync("solo");
        await _cluster.ApplyAsync(Service("web") + Slice("web", "web-1", port) + Ingress("shop", "shop.example", "/", "web"));
        await Eventually.Until(async () => (await replica.GetAsync("shop.example", "/")).Status == HttpStatusCode.OK, Soon, "first route");

        _cluster.Api.Store.DropWatches();
        await _cluster.ApplyAsync(Ingress("blog", "blog.example", "/", "web"));
        await Eventually.Until(async () => (await replica.GetAsync("blog.example", "/")).Status == HttpStatusCode.OK, Soon, "change made while the watch was down");

        // The watches drop, the history they would resume from is compacted away (410 Gone), and
        // meanwhile one Ingress is deleted and another added: a re-list must find both.
        _cluster.Api.Faults.FailNext(3, 500, "watch=");
        _cluster.Api.Store.DropWatches();
        await _cluster.KubectlAsync(null, "delete", "ingress", "shop");
        await _cluster.ApplyAsync(Ingress("news", "news.example", "/", "web"));
        _cluster.Api.Store.CompactHistory();
        _cluster.Api.Store.DropWatches();
        await Eventually.Until(async () => (await replica.GetAsync("news.example", "/")).Status == HttpStatusCode.OK
            && (await replica.GetAsync("shop.example", "/")).Status == HttpStatusCode.NotFound, Soon, "state after 410 Gone");
        Assert.Matches(@"cloudingress_watch_restarts_total [1-9]", await replica.AdminAsync("/metrics"));
    }

    [Fact]
    public async Task TwoReplicas_BothServe_OnlyTheLeaderWritesStatus_AndTheOtherTakesOver()
    {
        var port = await _cluster.StartBackendAsync("web");
        var a = await _cluster.StartReplicaAsync("replica-a");
        var b = await _cluster.StartReplicaAsync("replica-b");
        await Eventually.Until(() => Task.FromResult(a.Controller.IsLeader || b.Controller.IsLeader), Soon, "a leader");
        // Several renewals by one holder: the other replica has had rounds to take a live lease, and must not have.
        string? holder = null;
        var renewals = new HashSet<string>(StringComparer.Ordinal);
        await Eventually.Until(async () =>
        {
            var lease = (await _cluster.Client.CoordinationV1.ReadNamespacedLeaseAsync("cloudingress-leader", "default")).Spec!;
            holder ??= lease.HolderIdentity;
            Assert.Equal(holder, lease.HolderIdentity);
            renewals.Add(lease.RenewTime!.Value.ToString("O"));
            return renewals.Count >= 5;
        }, Soon, "several renewals of the leader's Lease");
        var (leader, follower) = holder == "replica-a" ? (a, b) : (b, a);
        Assert.True(leader.Controller.IsLeader && !follower.Controller.IsLeader, "exactly one leader, the Lease's holder");

        await _cluster.ApplyAsync(Service("web") + Slice("web", "web-1", port) + Ingress("shop", "shop.example", "/", "web"));
        await Eventually.Until(async () => (await follower.GetAsync("shop.example", "/")).Status == HttpStatusCode.OK, Soon, "the follower serves too");
        await Eventually.Until(async () => await AddressOf("shop") == "192.0.2.10", Soon, "status from the leader");
        Assert.Matches(@"cloudingress_status_writes_total\{result=""success""\} 0", await follower.AdminAsync("/metrics"));
        Assert.Contains("cloudingress_leader 0", await follower.AdminAsync("/metrics"), StringComparison.Ordinal);

        await leader.StopAsync();
        await Eventually.Until(() => Task.FromResult(follower.Controller.IsLeader), Soon, "failover");
        // The new leader repairs status drift it now owns: clear it by hand, and it comes back.
        await _cluster.Client.NetworkingV1.PatchNamespacedIngressStatusAsync(
            new V1Patch("""{"status":{"loadBalancer":{"ingress":null}}}""", V1Patch.PatchType.MergePatch), "shop", "default");
        await _cluster.ApplyAsync(Ingress("shop", "shop.example", "/v2", "web"));
        await Eventually.Until(async () => await AddressOf("shop") == "192.0.2.10", Soon, "status written by the new leader");
        Assert.Matches(@"cloudingress_status_writes_total\{result=""success""\} [1-9]", await follower.AdminAsync("/metrics"));
    }

    [Fact]
    public async Task ABrokenIngress_GetsAnEvent_AndDoesNotBlockOthers()
    {
        var port = await _cluster.StartBackendAsync("web");
        var replica = await _cluster.StartReplicaAsync("solo", elect: false);
        await _cluster.ApplyAsync(Service("web") + Slice("web", "web-1", port) + Ingress("shop", "shop.example", "/", "web")
            + Ingress("broken", "broken.example", "/", "missing"));
        await Eventually.Until(async () => (await replica.GetAsync("shop.example", "/")).Status == HttpStatusCode.OK, Soon, "the good Ingress routes");
        await Eventually.Until(async () => (await _cluster.KubectlAsync(null, "get", "events", "-o", "jsonpath={range .items[*]}{.involvedObject.name} {.reason}{\"\\n\"}{end}"))
            .Contains("broken ", StringComparison.Ordinal), Soon, "an Event on the broken Ingress");
        var events = await _cluster.Client.CoreV1.ListNamespacedEventAsync("default");
        Assert.Single(events.Items, e => e.InvolvedObject.Name == "broken");
        await _cluster.ApplyAsync(Ingress("other", "other.example", "/", "web"));
        await Eventually.Until(async () => (await replica.GetAsync("other.example", "/")).Status == HttpStatusCode.OK, Soon, "a later Ingress routes");
        Assert.Single((await _cluster.Client.CoreV1.ListNamespacedEventAsync("default")).Items, e => e.InvolvedObject.Name == "broken");
    }

    private async Task<string?> AddressOf(string ingress)
    {
        var status = (await _cluster.Client.NetworkingV1.ReadNamespacedIngressAsync(ingress, "default")).Status?.LoadBalancer?.Ingress;
        return status is [var only] ? only.Ip ?? only.Hostname : null;
    }

    private static string Service(string name) => $"""
        apiVersion: v1
        kind: Service
        metadata: {"{"}name: {name}, namespace: default{"}"}
        spec:
          ports: [{"{"}name: http, port: 80, targetPort: 8080{"}"}]
        ---

        """;

    private static string Slice(string service, string name, int port) => $"""
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {"{"}name: {name}, namespace: default, labels: {"{"}kubernetes.io/service-name: {service}{"}"}{"}"}
        addressType: IPv4
        endpoints: [{"{"}addresses: ["127.0.0.1"], conditions: {"{"}ready: true{"}"}{"}"}]
        ports: [{"{"}name: http, port: {port}, protocol: TCP{"}"}]
        ---

        """;

    private static string Ingress(string name, string host, string path, string service) => $"""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {"{"}name: {name}, namespace: default{"}"}
        spec:
          ingressClassName: cloudingress
          rules:
          - host: {host}
            http:
              paths:
              - {"{"}path: {path}, pathType: Prefix, backend: {"{"}service: {"{"}name: {service}, port: {"{"}number: 80{"}"}{"}"}{"}"}{"}"}
        ---

        """;
}

internal sealed class TestLoggerProvider(Xunit.Abstractions.ITestOutputHelper output) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(output);

    public void Dispose()
    {
    }

    private sealed class Logger(Xunit.Abstractions.ITestOutputHelper output) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel}: {formatter(state, exception)}");
            }
            catch (InvalidOperationException)
            {
                // the test has finished while a background loop still logs
            }
        }
    }
}
