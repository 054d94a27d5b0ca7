using CloudIngress.Controller.Reconcile;
using CloudIngress.Controller.Tests.Providers;
using CloudIngress.Core.Build;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Providers;
using CloudIngress.Core.Snapshot;
using CloudIngress.Kubernetes.Manifests;
using CloudIngress.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using System.Threading.Channels;

namespace CloudIngress.Controller.Tests.Reconcile;

/// <summary>The one reconcile loop, stage by stage, on a fake clock: what runs when, and what an unchanged model skips.</summary>
public sealed class ReconcilerTests : IDisposable
{
    private static readonly TimeSpan Resync = TimeSpan.FromMinutes(10);
    private readonly string _dir = Directory.CreateTempSubdirectory("cloudingress-reconcile-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeSource _source = new();
    private readonly CountingLocal _local = new();
    private readonly TestCloud _cloud = new();
    private readonly FakePublisher _publisher = new();
    private readonly Reconciler _reconciler;

    public ReconcilerTests()
    {
        _source.Set(Snapshot("shop"));
        _reconciler = new Reconciler(_source, _local, new TestProvider(_cloud, "z1"), _publisher,
            new ReconcilerOptions { Build = BuildOptions.Default, Resync = Resync }, _time, NullLogger.Instance);
    }

    [Fact]
    public async Task FirstPass_AppliesLocallyAndToTheCloud_AfterGuardingTheMembers()
    {
        await _reconciler.PassAsync(CancellationToken.None);
        Assert.Equal(1, _local.Applies);
        Assert.Equal(1, _cloud.Applies);
        Assert.Equal(1, _cloud.FullResyncs); // a new leader re-reads everything
        Assert.Equal(1, _publisher.BeforeApply);
        var published = Assert.Single(_publisher.Published);
        Assert.Equal("ingress-default.z1.test", published.Addresses!.Single());
    }

    [Fact]
    public async Task UnchangedSnapshot_NeitherRecompilesNorReadsTheCloud_ButStillPublishes()
    {
        await _reconciler.PassAsync(CancellationToken.None);
        var reads = _cloud.Reads;
        _source.Set(Snapshot("shop")); // new objects, same content
        await _reconciler.PassAsync(CancellationToken.None);
        await _reconciler.PassAsync(CancellationToken.None);

        Assert.Equal(1, _local.Applies);
        Assert.Equal(1, _cloud.Applies);
        Assert.Equal(reads, _cloud.Reads);
        Assert.Equal(2, _reconciler.Unchanged);
        Assert.Equal(3, _publisher.Published.Count); // status is compared and written only where it differs
    }

    [Fact]
    public async Task ChangedSnapshot_IsAppliedIncrementally()
    {
        await _reconciler.PassAsync(CancellationToken.None);
        _source.Set(Snapshot("shop", "blog"));
        await _reconciler.PassAsync(CancellationToken.None);
        Assert.Equal(2, _local.Applies);
        Assert.Equal(2, _cloud.Applies);
        Assert.Equal(1, _cloud.FullResyncs);
        Assert.Equal(2, _cloud.LoadBalancers.Count);
    }

    [Fact]
    public async Task ResyncPeriod_ReappliesTheCloudInFull_WithoutRecompilingTheProxy()
    {
        await _reconciler.PassAsync(CancellationToken.None);
        _cloud.LoadBalancers.Clear(); // drift made by hand
        _time.Advance(Resync - TimeSpan.FromSeconds(1));
        await _reconciler.PassAsync(CancellationToken.None);
        Assert.Equal(1, _cloud.Applies);

        _time.Advance(TimeSpan.FromSeconds(1));
        await _reconciler.PassAsync(CancellationToken.None);
        Assert.Equal(2, _cloud.Applies);
        Assert.Equal(2, _cloud.FullResyncs);
        Assert.Single(_cloud.LoadBalancers); // repaired
        Assert.Equal(1, _local.Applies);
    }

    [Fact]
    public async Task Loop_RunsAResyncPass_WhenTheFakeClockReachesThePeriod()
    {
        using var stop = new CancellationTokenSource();
        var loop = _reconciler.RunAsync(stop.Token);
        await Eventually.Until(() => _cloud.Applies == 1, TimeSpan.FromSeconds(10), "first pass");
        // The loop may not be waiting yet when the clock moves; moving it again until the pass happens is what a real clock does.
        await Eventually.Until(() =>
        {
            _time.Advance(Resync);
            return _cloud.Applies >= 2;
        }, TimeSpan.FromSeconds(10), "resync pass");
        Assert.Equal(_cloud.Applies, _cloud.FullResyncs); // nothing changed: only resyncs applied, each in full

        var before = _cloud.Applies;
        _source.Set(Snapshot("shop", "blog")); // a change wakes the loop without the clock moving
        await Eventually.Until(() => _cloud.LoadBalancers.Count == 2, TimeSpan.FromSeconds(10), "pass on change");
        Assert.True(_cloud.Applies > before);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    [Fact]
    public async Task Follower_ServesLocally_ButNeverWritesToTheCloudOrStatus()
    {
        _publisher.Leader = false;
        await _reconciler.PassAsync(CancellationToken.None);
        Assert.Equal(1, _local.Applies);
        Assert.Equal(0, _cloud.Applies + _cloud.Reads);
        Assert.Empty(_publisher.Published);

        _publisher.Leader = true; // leadership gained: a full apply although the model is unchanged
        await _reconciler.PassAsync(CancellationToken.None);
        Assert.Equal(1, _local.Applies);
        Assert.Equal(1, _cloud.FullResyncs);
    }

    [Fact]
    public async Task FailedApply_ReportsItsDiagnostics_AndIsRetriedOnTheSameModel()
    {
        _cloud.Failing = "quota exceeded";
        await _reconciler.PassAsync(CancellationToken.None);
        Assert.Contains(_publisher.Failures, d => d.Code == "CloudNotConverging" && d.Object.Name == "shop");
        Assert.Empty(_publisher.Published);

        _cloud.Failing = null;
        await _reconciler.PassAsync(CancellationToken.None); // unchanged model, but the cloud is not known to match it
        Assert.Equal(2, _cloud.Applies);
        Assert.Single(_publisher.Published);
    }

    [Fact]
    public async Task ProviderCalls_AreReportedAfterEveryApply_AFailedOneToo()
    {
        var reported = new List<(string Provider, IReadOnlyList<Core.Providers.ApiCall> Calls)>();
        var reconciler = new Reconciler(_source, _local, new TestProvider(_cloud, "z1"), _publisher, new ReconcilerOptions { Build = BuildOptions.Default, Resync = Resync },
            _time, NullLogger.Instance)
        {
            CloudCalls = (provider, calls) => reported.Add((provider, calls)),
        };
        await reconciler.PassAsync(CancellationToken.None);
        _cloud.Failing = "quota exceeded";
        _source.Set(Snapshot("shop", "blog"));
        await reconciler.PassAsync(CancellationToken.None);

        Assert.Equal(["test", "test"], reported.Select(r => r.Provider));
        Assert.Contains(reported[0].Calls, c => c is { Operation: "test:Write", Mutating: true, Count: 1 });
        Assert.Equal([new Core.Providers.ApiCall("test:Describe", 1, false)], reported[1].Calls);
    }

    [Fact]
    public async Task UnusableInput_KeepsTheLastGoodConfiguration()
    {
        var rejected = 0;
        var reconciler = new Reconciler(_source, _local, _local, _publisher, new ReconcilerOptions { Build = BuildOptions.Default }, _time, NullLogger.Instance)
        {
            Rejected = () => rejected++,
        };
        await reconciler.PassAsync(CancellationToken.None);
        _source.Set(ClusterSnapshot.Empty, unusable: 1);
        await reconciler.PassAsync(CancellationToken.None);
        Assert.Equal(1, _local.Applies);
        Assert.Equal(1, rejected);
        Assert.Equal("ingress/default", Assert.Single(_local.Last!.Frontends).Id);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ObservedObjectsTheProviderNames_ChangeWithoutTheModel_AndAreAppliedAgain()
    {
        var observing = new ObservingProvider();
        var reconciler = new Reconciler(_source, _local, observing, _publisher, new ReconcilerOptions { Build = BuildOptions.Default, Resync = Resync }, _time, NullLogger.Instance);
        ClusterSnapshot WithProxyAt(string version) => Snapshot("shop") with
        {
            Services = [new Core.Resources.Service { Metadata = new Core.Resources.ObjectMeta { Name = "proxy", Namespace = "cloudingress", ResourceVersion = version } }],
        };

        _source.Set(WithProxyAt("1"));
        await reconciler.PassAsync(CancellationToken.None);
        _source.Set(WithProxyAt("2")); // say, MetalLB wrote its status: the model is the same
        await reconciler.PassAsync(CancellationToken.None);
        _source.Set(WithProxyAt("2"));
        await reconciler.PassAsync(CancellationToken.None);

        Assert.Equal(2, observing.Applies);
        Assert.Equal(1, _local.Applies);
    }

    private ClusterSnapshot Snapshot(params string[] names)
    {
        var yaml = string.Join("---\n", names.Select(n => """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: NAME, namespace: default, creationTimestamp: "2026-01-01T00:00:00Z"}
            spec:
              ingressClassName: cloudingress
              rules: [{host: NAME.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]

            """.Replace("NAME", n, StringComparison.Ordinal)));
        var file = Path.Combine(_dir, "objects.yaml");
        File.WriteAllText(file, yaml + (names.Contains("blog") ? "---\n" + Grouped : string.Empty));
        return ManifestDirectory.Load(file).Snapshot;
    }

    private const string Grouped = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: admin, namespace: default, annotations: {cloudingress.io/group: admin}}
        spec:
          ingressClassName: cloudingress
          rules: [{host: admin.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
        """;

    private sealed class FakeSource : ISnapshotSource
    {
        private readonly Channel<bool> _changes = Channel.CreateUnbounded<bool>();
        private volatile Observation _current = new(ClusterSnapshot.Empty);

        public void Set(ClusterSnapshot snapshot, int unusable = 0)
        {
            _current = new Observation(snapshot) { Unusable = unusable };
            _changes.Writer.TryWrite(true);
        }

        public async Task WaitForChangeAsync(CancellationToken cancellationToken) => await _changes.Reader.ReadAsync(cancellationToken);

        public Observation Take()
        {
            while (_changes.Reader.TryRead(out _))
            {
            }

            return _current;
        }
    }

    private sealed class CountingLocal : Provider<int>
    {
        public int Applies { get; private set; }

        public GatewayModel? Last { get; private set; }

        public override string Name => "local";

        public override ProviderScope Scope => ProviderScope.EveryReplica;

        public override bool OwnsCloudResources => false;

        public override Task<int> ObserveAsync(GatewayModel model, CancellationToken cancellationToken) => Task.FromResult(0);

        public override ProviderPlan Plan(GatewayModel model, int observed) => new() { Provider = Name };

        public override Task<ProviderApplyResult> ApplyAsync(GatewayModel model, bool fullResync, CancellationToken cancellationToken)
        {
            Applies++;
            Last = model;
            return Task.FromResult(ProviderApplyResult.Empty);
        }

        public override Task<ProviderApplyResult> DestroyAsync(CancellationToken cancellationToken) => Task.FromResult(ProviderApplyResult.Empty);
    }

    /// <summary>A leader-scoped provider whose apply also depends on the Services' versions.</summary>
    private sealed class ObservingProvider : Provider<int>
    {
        public int Applies { get; private set; }

        public override string Name => "observing";

        public override ProviderScope Scope => ProviderScope.Leader;

        public override bool OwnsCloudResources => false;

        public override Task<int> ObserveAsync(GatewayModel model, CancellationToken cancellationToken) => Task.FromResult(0);

        public override ProviderPlan Plan(GatewayModel model, int observed) => new() { Provider = Name };

        public override string ObservedFingerprint(ClusterSnapshot snapshot) => string.Join(",", snapshot.Services.Select(s => s.Metadata.ResourceVersion));

        public override Task<ProviderApplyResult> ApplyAsync(GatewayModel model, bool fullResync, CancellationToken cancellationToken)
        {
            Applies++;
            return Task.FromResult(ProviderApplyResult.Empty);
        }

        public override Task<ProviderApplyResult> DestroyAsync(CancellationToken cancellationToken) => Task.FromResult(ProviderApplyResult.Empty);
    }

    private sealed class FakePublisher : IPublisher
    {
        public volatile bool Leader = true;

        public bool IsLeader => Leader;

        public int BeforeApply { get; private set; }

        public List<(GatewayModel Model, IReadOnlyList<string>? Addresses)> Published { get; } = [];

        public List<Diagnostic> Failures { get; } = [];

        public Task BeforeApplyAsync(ClusterSnapshot snapshot, GatewayModel model, CancellationToken cancellationToken)
        {
            BeforeApply++;
            return Task.CompletedTask;
        }

        public Task PublishAsync(ClusterSnapshot snapshot, GatewayModel model, ProviderApplyResult applied, bool ownsCloudResources, CancellationToken cancellationToken)
        {
            var frontend = model.Frontends[0];
            Published.Add((model, applied.For(frontend, frontend.Members[0])));
            return Task.CompletedTask;
        }

        public Task ReportFailureAsync(ClusterSnapshot snapshot, GatewayModel model, IReadOnlyList<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            Failures.AddRange(diagnostics);
            return Task.CompletedTask;
        }
    }
}
