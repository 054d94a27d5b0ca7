using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Providers;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Snapshot;
using CloudIngress.Emulators.Kubernetes;
using CloudIngress.Tests;
using k8s;
using System.Text.Json;
using System.Text.Json.Nodes;
using static CloudIngress.Providers.MetalLb.Tests.Manifests;

namespace CloudIngress.Providers.MetalLb.Tests.Cluster;

/// <summary>
/// <c>run --provider metallb</c>'s writes against the emulated API server: owned Services and
/// pools as code applied with the owner label, collected when no longer needed, objects of the
/// same name we do not own refused and left alone, and only the addresses MetalLB wrote published.
/// </summary>
public sealed class ClusterWriterTests : IAsyncLifetime
{
    private static readonly ApiResource Services = ApiResource.All.Single(r => r.Kind == "Service");
    private static readonly ApiResource Pools = ApiResource.All.Single(r => r.Kind == "IPAddressPool");
    private static readonly ApiResource L2s = ApiResource.All.Single(r => r.Kind == "L2Advertisement");

    private readonly string _dir = Directory.CreateTempSubdirectory("cloudingress-metallb-").FullName;
    private KubernetesApiEmulator _api = null!;
    private IKubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _api = await KubernetesApiEmulator.StartAsync();
        _api.Store.EnsureNamespace("cloudingress");
        _api.Store.EnsureNamespace("metallb-system");
        _client = TestKube.Client(_api.Url);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Apply_WritesOwnedServiceAndPools_IsQuietWhenUnchanged_AndCollectsWhatIsNoLongerNeeded()
    {
        var ingresses = Read(ShopIngress, L2);
        using var provider = Provider(ingresses, withConfig: true);

        var first = await provider.ApplyAsync(Model(ingresses), fullResync: true, CancellationToken.None);
        Assert.Equal(["+ ApplyIPAddressPool metallb-system/public", "+ ApplyService cloudingress/cloudingress-proxy"], first.Executed.Select(o => o.ToString()));
        var service = _api.Store.Get(Services, "cloudingress", "cloudingress-proxy");
        Assert.Equal("cloudingress", (string?)service["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]);
        Assert.Equal("LoadBalancer", (string?)service["spec"]!["type"]);
        Assert.Equal([80, 443], service["spec"]!["ports"]!.AsArray().Select(p => (int)p!["port"]!));
        Assert.Equal("cloudingress", (string?)service["spec"]!["selector"]!["app.kubernetes.io/name"]);
        var pool = _api.Store.Get(Pools, "metallb-system", "public");
        Assert.Equal("cloudingress", (string?)pool["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]);
        Assert.Equal("10.0.0.0/30", (string?)pool["spec"]!["addresses"]![0]);
        Assert.Empty(first.ByFrontend); // MetalLB has not assigned anything yet: nothing to publish

        var second = await provider.ApplyAsync(Model(ingresses), fullResync: true, CancellationToken.None);
        Assert.Empty(second.Executed);

        // No Ingress any more, and pools as code that declare `other` instead of `public`.
        using var without = Provider(Read(L2), withConfig: false, configNone: true);
        var collected = await without.ApplyAsync(Model(Read(L2)), fullResync: true, CancellationToken.None);
        Assert.Equal(["+ ApplyIPAddressPool metallb-system/other", "- DeleteIPAddressPool metallb-system/public", "- DeleteService cloudingress/cloudingress-proxy"],
            collected.Executed.Select(o => o.ToString()));
        Assert.Empty(_api.Store.List(Services, "cloudingress", _ => true).Items);
        Assert.Equal(["other"], _api.Store.List(Pools, "metallb-system", _ => true).Items.Select(p => (string?)p["metadata"]!["name"]));
    }

    [Fact]
    public async Task Apply_UnownedServiceAndPoolOfTheSameName_AreRefusedByName_AndLeftAsTheyAre()
    {
        _api.Store.Create(Services, "cloudingress", Json(Svc("cloudingress", "cloudingress-proxy", "[{port: 8080}]")));
        _api.Store.Create(Pools, "metallb-system", Json(Pool("public", "10.9.9.0/30")));
        var ingresses = Read(ShopIngress, L2);
        using var provider = Provider(ingresses, withConfig: true);

        var result = await provider.ApplyAsync(Model(ingresses), fullResync: true, CancellationToken.None);

        Assert.Empty(result.Executed);
        var service = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.ExposureServiceNotOwned);
        Assert.Equal(("Service", "cloudingress/cloudingress-proxy", "metadata.labels"), (service.Object.Kind, service.Object.Key, service.Field));
        Assert.Contains("does not take over a Service it does not own", service.Message, StringComparison.Ordinal);
        var pool = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.AddressPoolInvalid);
        Assert.Equal("metallb-system/public", pool.Object.Key);
        // A pool carries no Events: the refusal goes to the log.
        Assert.Contains(result.Warnings, w => w.StartsWith("Error AddressPoolInvalid: IPAddressPool metallb-system/public metadata.labels: already exists without", StringComparison.Ordinal));
        Assert.Equal(8080, (int)_api.Store.Get(Services, "cloudingress", "cloudingress-proxy")["spec"]!["ports"]![0]!["port"]!);
        Assert.Equal("10.9.9.0/30", (string?)_api.Store.Get(Pools, "metallb-system", "public")["spec"]!["addresses"]![0]);
    }

    [Fact]
    public async Task Apply_UnownedServiceCreatedAfterTheSnapshot_IsCheckedLiveAndRefused()
    {
        var ingresses = Read(ShopIngress, L2);
        var stale = ingresses; // taken before someone else created the Service
        using var provider = new MetalLbProviderDefinition().Configure(Settings(new Dictionary<string, string>(), () => stale)).Provider!;
        _api.Store.Create(Services, "cloudingress", Json(Svc("cloudingress", "cloudingress-proxy", "[{port: 8080}]")));

        var result = await provider.ApplyAsync(Model(ingresses), fullResync: true, CancellationToken.None);

        Assert.Empty(result.Executed);
        var refused = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.ExposureServiceNotOwned);
        Assert.Contains("never modifies a Service it does not own", refused.Message, StringComparison.Ordinal);
        Assert.Equal(8080, (int)_api.Store.Get(Services, "cloudingress", "cloudingress-proxy")["spec"]!["ports"]![0]!["port"]!);
    }

    [Fact]
    public async Task Apply_AWriteTheApiFails_DoesNotHoldUpTheOthers_AndFailsThePassNamingIt()
    {
        var ingresses = Read(ShopIngress, L2);
        using var provider = Provider(ingresses, withConfig: true);
        _api.Faults.FailNext(3, 500, "/services/cloudingress-proxy");

        var failure = await Assert.ThrowsAsync<ProviderException>(() => provider.ApplyAsync(Model(ingresses), fullResync: true, CancellationToken.None));

        Assert.Contains("+ ApplyService cloudingress/cloudingress-proxy: 500", failure.Message, StringComparison.Ordinal);
        Assert.Equal("cloudingress", (string?)_api.Store.Get(Pools, "metallb-system", "public")["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]);
        _api.Faults.Clear();
        var retried = await provider.ApplyAsync(Model(ingresses), fullResync: true, CancellationToken.None);
        Assert.Equal(["+ ApplyService cloudingress/cloudingress-proxy"], retried.Executed.Select(o => o.ToString()));
    }

    [Fact]
    public async Task Apply_PublishesOnlyWhatMetalLbWroteIntoTheOwnedServicesStatus()
    {
        var ingresses = Read(ShopIngress, L2, Pool("public", "10.0.0.0/30"));
        using var provider = Provider(ingresses, withConfig: false);
        Assert.Empty((await provider.ApplyAsync(Model(ingresses), fullResync: true, CancellationToken.None)).ByFrontend); // not created yet
        Assert.Empty((await provider.ApplyAsync(Model(ingresses), fullResync: true, CancellationToken.None)).ByFrontend["ingress/default"]); // Pending

        _api.Store.Patch(Services, "cloudingress", "cloudingress-proxy", JsonNode.Parse("""{"status": {"loadBalancer": {"ingress": [{"ip": "10.0.0.2"}]}}}""")!.AsObject(), status: true);
        var assigned = await provider.ApplyAsync(Model(ingresses), fullResync: true, CancellationToken.None);

        Assert.Equal(["10.0.0.2"], assigned.ByFrontend["ingress/default"]);
        Assert.Empty(assigned.Executed);
    }

    private MetalLbProvider Provider(ClusterSnapshot manifests, bool withConfig, bool configNone = false)
    {
        var flags = new Dictionary<string, string>();
        if (withConfig || configNone)
        {
            var path = Path.Combine(_dir, configNone ? "none.yaml" : "pools.yaml");
            File.WriteAllText(path, configNone ? Pool("other", "10.7.0.0/31") : Pool("public", "10.0.0.0/30"));
            flags["--metallb-config"] = path;
        }

        return (MetalLbProvider)new MetalLbProviderDefinition().Configure(Settings(flags, () => Observed(manifests))).Provider!;
    }

    private ProviderSettings Settings(Dictionary<string, string> flags, Func<ClusterSnapshot> snapshot) => new()
    {
        Verb = ProviderVerb.Run,
        Values = new ProviderOptionValues(flags),
        Snapshot = snapshot,
        Services = new ClientServices(_client),
    };

    /// <summary>The manifests' Ingresses and advertisements, with the Services and pools the API server holds now.</summary>
    private ClusterSnapshot Observed(ClusterSnapshot manifests) => manifests with
    {
        Services = [.. _api.Store.List(Services, null, _ => true).Items.Select(o => o.Deserialize(KubernetesJsonContext.Default.Service)!)],
        AddressPools = [.. _api.Store.List(Pools, null, _ => true).Items.Select(o => o.Deserialize(KubernetesJsonContext.Default.IPAddressPool)!)],
        L2Advertisements = [.. manifests.L2Advertisements, .. _api.Store.List(L2s, null, _ => true).Items.Select(o => o.Deserialize(KubernetesJsonContext.Default.L2Advertisement)!)],
    };

    private static JsonObject Json(string yaml)
    {
        var snapshot = Read(yaml);
        return (snapshot.Services.Count > 0
            ? JsonSerializer.SerializeToNode(snapshot.Services[0], KubernetesJsonContext.Default.Service)
            : JsonSerializer.SerializeToNode(snapshot.AddressPools[0], KubernetesJsonContext.Default.IPAddressPool))!.AsObject();
    }

    private sealed class ClientServices(IKubernetes client) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(IKubernetes) ? client : null;
    }
}
