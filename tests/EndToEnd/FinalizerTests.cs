using CloudIngress.Core.Model;
using CloudIngress.Core.Providers;
using CloudIngress.Kubernetes.Client;
using CloudIngress.Kubernetes.Observe;
using CloudIngress.Tests;
using k8s;
using Microsoft.Extensions.Logging;

namespace CloudIngress.EndToEnd.Tests;

/// <summary>
/// The finalizer protocol with a provider that owns cloud resources. The cloud here is a
/// recording stand-in at the provider boundary (the real providers have their own emulated
/// clouds); what is under test is the controller's ordering against the API server.
/// </summary>
public sealed class FinalizerTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);
    private readonly ILoggerFactory _loggers = LoggerFactory.Create(b => b.AddProvider(new TestLoggerProvider(output)).SetMinimumLevel(LogLevel.Information));
    private RecordingCloud _cloud = null!;
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await ClusterHarness.StartAsync(_loggers);
        _cloud = new RecordingCloud(_cluster.Client);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _loggers.Dispose();
    }

    [Fact]
    public async Task TheFinalizer_GuardsTheCloudSide_UntilItIsGone()
    {
        await _cluster.StartReplicaAsync("solo", cloud: _cloud);
        await _cluster.ApplyAsync("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: shop, namespace: default}
            spec:
              ingressClassName: cloudingress
              defaultBackend:
                service: {name: web, port: {number: 80}}
            """);
        await Eventually.Until(async () => (await Shop())?.Metadata.Finalizers?.Contains("cloudingress.io/finalizer") == true, Soon, "finalizer added");
        await Eventually.Until(() => Task.FromResult(_cloud.Frontends.Count == 1), Soon, "load balancer created");
        Assert.True(_cloud.FinalizerSeenBeforeCreate, "the finalizer must be on the object before its cloud resources exist");
        await Eventually.Until(async () => (await Shop())?.Status?.LoadBalancer?.Ingress is [{ Hostname: "lb-1.cloud.example" }], Soon, "cloud address in status");

        _cloud.Failing = true;
        await _cluster.KubectlAsync(null, "delete", "ingress", "shop", "--wait=false");
        await Eventually.Until(() => Task.FromResult(_cloud.FailedApplies >= 2), Soon, "deletion attempts while the cloud refuses");
        var stuck = await Shop();
        Assert.NotNull(stuck?.Metadata.DeletionTimestamp);
        Assert.Contains("cloudingress.io/finalizer", stuck!.Metadata.Finalizers!);

        _cloud.Failing = false;
        await Eventually.Until(async () => await Shop() is null, Soon, "object gone once the cloud side is gone");
        Assert.Empty(_cloud.Frontends);
    }

    private async Task<Core.Resources.Ingress?> Shop()
    {
        try
        {
            return CoreMapper.Ingress(await _cluster.Client.NetworkingV1.ReadNamespacedIngressAsync("shop", "default"));
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
            return null;
        }
    }

    private sealed class RecordingCloud(IKubernetes client) : IProvider
    {
        private readonly Dictionary<string, string> _addresses = [];

        public Dictionary<string, string> Frontends => _addresses;

        public volatile bool Failing;

        public int FailedApplies;

        public bool FinalizerSeenBeforeCreate { get; private set; } = true;

        public string Name => "recording";

        public ProviderScope Scope => ProviderScope.Leader;

        public bool OwnsCloudResources => true;

        public Task<ProviderPlan> PlanAsync(GatewayModel model, CancellationToken cancellationToken) => Task.FromResult(new ProviderPlan { Provider = Name });

        public Task<ProviderApplyResult> DestroyAsync(CancellationToken cancellationToken) => ApplyAsync(new GatewayModel(), true, cancellationToken);

        public void Dispose()
        {
        }

        public async Task<ProviderApplyResult> ApplyAsync(GatewayModel model, bool fullResync, CancellationToken cancellationToken)
        {
            if (Failing)
            {
                Interlocked.Increment(ref FailedApplies);
                throw new ProviderException("the cloud API answered 503");
            }

            foreach (var gone in _addresses.Keys.Except(model.Frontends.Select(f => f.Id)).ToList())
            {
                _addresses.Remove(gone);
            }

            foreach (var frontend in model.Frontends.Where(f => !_addresses.ContainsKey(f.Id)))
            {
                foreach (var member in frontend.Members)
                {
                    var stored = await client.NetworkingV1.ReadNamespacedIngressAsync(member.Name, member.Namespace, cancellationToken: cancellationToken);
                    FinalizerSeenBeforeCreate &= stored.Metadata.Finalizers?.Contains("cloudingress.io/finalizer") == true;
                }

                _addresses[frontend.Id] = $"lb-{_addresses.Count + 1}.cloud.example";
            }

            return new ProviderApplyResult { ByFrontend = _addresses.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[p.Value]) };
        }
    }
}
