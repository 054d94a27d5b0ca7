using CloudIngress.Core.Annotations;
using CloudIngress.Core.Diagnostics;

namespace CloudIngress.Core.Model;

public enum FrontendKind
{
    /// <summary>An ingress group: L7 routing on HTTP/HTTPS listeners.</summary>
    Http,

    /// <summary>A Service of type LoadBalancer: one TCP/UDP listener per port.</summary>
    L4,
}

/// <summary>One entry point: a load balancer in the cloud, an address on bare metal.</summary>
public sealed record Frontend
{
    /// <summary><c>ingress/&lt;group&gt;</c> or <c>service/&lt;namespace&gt;/&lt;name&gt;</c>.</summary>
    public required string Id { get; init; }

    public FrontendKind Kind { get; init; }

    public required string Name { get; init; }

    public LoadBalancerScheme Scheme { get; init; }

    /// <summary>The objects that publish this frontend's address in their status, in precedence order.</summary>
    public IReadOnlyList<ObjectRef> Members { get; init; } = [];

    public IReadOnlyList<Listener> Listeners { get; init; } = [];

    public AddressRequest? Address { get; init; }

    /// <summary>L4 only; null admits every source, empty admits none.</summary>
    public IReadOnlyList<string>? SourceRanges { get; init; }

    public string? ExternalTrafficPolicy { get; init; }
}

/// <summary>What a Service asks of address allocation (MetalLB pools, fixed addresses, sharing).</summary>
public sealed record AddressRequest
{
    public string? Pool { get; init; }

    public IReadOnlyList<string> Addresses { get; init; } = [];

    public string? SharingKey { get; init; }
}
