namespace CloudIngress.Core.Resources;

/// <summary><c>metallb.io/v1beta1</c> IPAddressPool: addresses MetalLB assigns to Services of type LoadBalancer.</summary>
public sealed record IPAddressPool : IKubernetesObject
{
    public const string ApiVersionValue = "metallb.io/v1beta1";
    public const string KindValue = "IPAddressPool";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    public IPAddressPoolSpec? Spec { get; init; }
}

public sealed record IPAddressPoolSpec
{
    /// <summary>CIDRs (<c>192.0.2.0/28</c>) and ranges (<c>192.0.2.10-192.0.2.20</c>), walked in this order.</summary>
    public IReadOnlyList<string>? Addresses { get; init; }

    /// <summary>Null means true: the pool serves Services that do not name it.</summary>
    public bool? AutoAssign { get; init; }

    /// <summary>Skip IPv4 addresses ending in .0 and .255.</summary>
    public bool? AvoidBuggyIPs { get; init; }

    public ServiceAllocation? ServiceAllocation { get; init; }
}

/// <summary>Which Services a pool is for, and its priority among the pools that are for a Service.</summary>
public sealed record ServiceAllocation
{
    /// <summary>Lower first; 0 (unset) after every positive priority.</summary>
    public int? Priority { get; init; }

    public IReadOnlyList<string>? Namespaces { get; init; }

    public IReadOnlyList<LabelSelector>? NamespaceSelectors { get; init; }

    public IReadOnlyList<LabelSelector>? ServiceSelectors { get; init; }
}
