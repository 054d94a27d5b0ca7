namespace CloudIngress.Core.Resources;

/// <summary><c>metallb.io/v1beta1</c> L2Advertisement: announce the selected pools' addresses by ARP/NDP.</summary>
public sealed record L2Advertisement : IKubernetesObject
{
    public const string ApiVersionValue = IPAddressPool.ApiVersionValue;
    public const string KindValue = "L2Advertisement";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    public L2AdvertisementSpec? Spec { get; init; }
}

public sealed record L2AdvertisementSpec
{
    /// <summary>Pools by name; with no names and no selectors, every pool.</summary>
    public IReadOnlyList<string>? IpAddressPools { get; init; }

    public IReadOnlyList<LabelSelector>? IpAddressPoolSelectors { get; init; }

    public IReadOnlyList<LabelSelector>? NodeSelectors { get; init; }

    public IReadOnlyList<string>? Interfaces { get; init; }
}

/// <summary><c>metallb.io/v1beta1</c> BGPAdvertisement: announce the selected pools' addresses to BGP peers.</summary>
public sealed record BGPAdvertisement : IKubernetesObject
{
    public const string ApiVersionValue = IPAddressPool.ApiVersionValue;
    public const string KindValue = "BGPAdvertisement";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    public BGPAdvertisementSpec? Spec { get; init; }
}

public sealed record BGPAdvertisementSpec
{
    /// <summary>Pools by name; with no names and no selectors, every pool.</summary>
    public IReadOnlyList<string>? IpAddressPools { get; init; }

    public IReadOnlyList<LabelSelector>? IpAddressPoolSelectors { get; init; }

    public IReadOnlyList<LabelSelector>? NodeSelectors { get; init; }

    public IReadOnlyList<string>? Peers { get; init; }

    public IReadOnlyList<string>? Communities { get; init; }

    public int? AggregationLength { get; init; }

    public int? AggregationLengthV6 { get; init; }

    public long? LocalPref { get; init; }
}
