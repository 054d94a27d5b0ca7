using k8s;
using k8s.Models;
using System.Text.Json.Serialization;

namespace CloudIngress.Kubernetes.Client;

/// <summary>MetalLB's <c>metallb.io/v1beta1</c> kinds, for the MetalLB provider to read and apply.</summary>
public static class MetalLb
{
    public static readonly CustomResourceKind IPAddressPools = new("metallb.io", "v1beta1", "IPAddressPool", "ipaddresspools");
    public static readonly CustomResourceKind L2Advertisements = new("metallb.io", "v1beta1", "L2Advertisement", "l2advertisements");
    public static readonly CustomResourceKind BgpAdvertisements = new("metallb.io", "v1beta1", "BGPAdvertisement", "bgpadvertisements");

    public static CustomResourceClient<IPAddressPool> Pools(IKubernetes client) => new(client, IPAddressPools);

    public static CustomResourceClient<L2Advertisement> L2(IKubernetes client) => new(client, L2Advertisements);

    public static CustomResourceClient<BgpAdvertisement> Bgp(IKubernetes client) => new(client, BgpAdvertisements);
}

/// <summary>A MetalLB resource: the shape every custom object shares.</summary>
public abstract class MetalLbResource<TSpec> : IKubernetesObject<V1ObjectMeta>
    where TSpec : class, new()
{
    public string ApiVersion { get; set; } = "metallb.io/v1beta1";

    public string Kind { get; set; } = string.Empty;

    public V1ObjectMeta Metadata { get; set; } = new();

    public TSpec Spec { get; set; } = new();
}

/// <summary>Addresses MetalLB may hand out (CIDRs or ranges).</summary>
public sealed class IPAddressPool : MetalLbResource<IPAddressPoolSpec>;

public sealed class IPAddressPoolSpec
{
    public IList<string> Addresses { get; set; } = [];

    public bool? AutoAssign { get; set; }

    [JsonPropertyName("avoidBuggyIPs")]
    public bool? AvoidBuggyIPs { get; set; }
}

/// <summary>Announces pools' addresses on the local network (ARP/NDP).</summary>
public sealed class L2Advertisement : MetalLbResource<L2AdvertisementSpec>;

public sealed class L2AdvertisementSpec
{
    public IList<string>? IpAddressPools { get; set; }

    public IList<string>? Interfaces { get; set; }
}

/// <summary>Announces pools' addresses to BGP peers.</summary>
public sealed class BgpAdvertisement : MetalLbResource<BgpAdvertisementSpec>;

public sealed class BgpAdvertisementSpec
{
    public IList<string>? IpAddressPools { get; set; }

    public int? AggregationLength { get; set; }

    public uint? LocalPref { get; set; }

    public IList<string>? Communities { get; set; }

    public IList<string>? Peers { get; set; }
}
