using CloudIngress.Core.Diagnostics;
using CloudIngress.Providers.MetalLb.Allocation;
using System.Net;

namespace CloudIngress.Providers.MetalLb.Planning;

/// <summary>A Service of type LoadBalancer MetalLB serves, read once: what it asks for, what its status holds, and what is wrong with it.</summary>
public sealed record ServiceIntent
{
    public required ObjectRef Ref { get; init; }

    public required AllocationRequest Request { get; init; }

    /// <summary>Unknown (not created yet) sorts last.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary><c>status.loadBalancer.ingress[].ip</c> as written.</summary>
    public IReadOnlyList<string> StatusAddresses { get; init; } = [];

    /// <summary>The pool it names, and the field that names it.</summary>
    public (string Name, string Field)? Pool { get; init; }

    /// <summary>The addresses it requests (<c>loadBalancerIPs</c> or <c>spec.loadBalancerIP</c>), and the field.</summary>
    public (IReadOnlyList<IPAddress> Addresses, string Field)? Requested { get; init; }

    /// <summary>A request that cannot be read: Pending (or, with addresses in status, kept with an error, as MetalLB does).</summary>
    public (string Message, string? Field)? RequestError { get; init; }

    /// <summary>ipFamilies/ipFamilyPolicy MetalLB cannot serve: Pending whatever its status says.</summary>
    public string? FamilyError { get; init; }

    /// <summary>Deprecated annotations and the like: served, but worth a warning.</summary>
    public IReadOnlyList<(string Field, string Message)> Warnings { get; init; } = [];

    public static int Order(ServiceIntent a, ServiceIntent b)
    {
        var c = (a.Created ?? DateTimeOffset.MaxValue).CompareTo(b.Created ?? DateTimeOffset.MaxValue);
        return c != 0 ? c : a.Ref.CompareTo(b.Ref);
    }
}
