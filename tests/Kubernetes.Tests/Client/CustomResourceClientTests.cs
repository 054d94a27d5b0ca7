using CloudIngress.Emulators.Kubernetes;
using CloudIngress.Kubernetes.Client;
using CloudIngress.Tests;
using k8s;
using k8s.Models;

namespace CloudIngress.Kubernetes.Tests.Client;

/// <summary>The typed wrapper over the package's CustomObjects, with MetalLB's kinds, against the emulated API server.</summary>
public sealed class CustomResourceClientTests : IAsyncLifetime
{
    private KubernetesApiEmulator _api = null!;
    private IKubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _api = await KubernetesApiEmulator.StartAsync();
        _api.Store.EnsureNamespace("metallb-system");
        _client = TestKube.Client(_api.Url);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Apply_CreatesThenUpdates_AsTheCloudIngressFieldManager_AndReadsBackTyped()
    {
        var pools = MetalLb.Pools(_client);
        var created = await pools.ApplyAsync(Pool("public", "192.0.2.0/28"));
        Assert.Equal(["192.0.2.0/28"], created.Spec.Addresses);
        Assert.False(string.IsNullOrEmpty(created.Metadata.ResourceVersion));

        await pools.ApplyAsync(Pool("public", "192.0.2.0/28", "198.51.100.10-198.51.100.20"));
        var read = await pools.GetAsync("metallb-system", "public");
        Assert.Equal(["192.0.2.0/28", "198.51.100.10-198.51.100.20"], read!.Spec.Addresses);
        Assert.False(read.Spec.AutoAssign);
        Assert.True(read.Spec.AvoidBuggyIPs);
        Assert.Equal("metallb.io/v1beta1", read.ApiVersion);
        Assert.Equal("IPAddressPool", read.Kind);
        Assert.Contains(_api.Received, r => r.StartsWith("PATCH /apis/metallb.io/v1beta1/namespaces/metallb-system/ipaddresspools/public?", StringComparison.Ordinal)
            && r.Contains("fieldManager=cloudingress", StringComparison.Ordinal) && r.Contains("force=true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Advertisements_ListByNamespace_AndDelete_IdempotentlyAndNullWhenMissing()
    {
        var l2 = MetalLb.L2(_client);
        var bgp = MetalLb.Bgp(_client);
        await l2.ApplyAsync(new L2Advertisement { Metadata = Meta("l2"), Spec = new L2AdvertisementSpec { IpAddressPools = ["public"], Interfaces = ["eth0"] } });
        await bgp.ApplyAsync(new BgpAdvertisement { Metadata = Meta("bgp"), Spec = new BgpAdvertisementSpec { IpAddressPools = ["public"], AggregationLength = 32, LocalPref = 100 } });

        Assert.Equal(["eth0"], Assert.Single(await l2.ListAsync("metallb-system")).Spec.Interfaces);
        Assert.Equal(100u, Assert.Single(await bgp.ListAsync("metallb-system")).Spec.LocalPref);
        Assert.Empty(await l2.ListAsync("default"));

        await l2.DeleteAsync("metallb-system", "l2");
        await l2.DeleteAsync("metallb-system", "l2");
        Assert.Null(await l2.GetAsync("metallb-system", "l2"));
        Assert.Empty(await l2.ListAsync("metallb-system"));
    }

    private static IPAddressPool Pool(string name, params string[] addresses) => new()
    {
        Metadata = Meta(name),
        Spec = new IPAddressPoolSpec { Addresses = addresses, AutoAssign = false, AvoidBuggyIPs = true },
    };

    private static V1ObjectMeta Meta(string name) => new() { Name = name, NamespaceProperty = "metallb-system" };
}
