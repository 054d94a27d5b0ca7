using CloudIngress.Core.Resources;
using System.Net;

namespace CloudIngress.Providers.MetalLb.Allocation;

/// <summary>
/// An IPAddressPool as the allocator uses it: its ranges in <c>spec.addresses</c> order, whether
/// it serves Services that do not name it, and which Services it is for.
/// </summary>
public sealed record AddressPool(string Name, IReadOnlyList<AddressRange> Ranges)
{
    public bool AutoAssign { get; init; } = true;

    public bool AvoidBuggyIps { get; init; }

    /// <summary>Null: a general pool, a fallback for every Service. Set: never a general pool.</summary>
    public PoolAllocation? Allocation { get; init; }

    /// <summary>The address is one of the pool's (an avoided .0/.255 is not), as MetalLB's poolFor reads it.</summary>
    public bool Contains(IPAddress ip) => !(AvoidBuggyIps && IpAddresses.IsBuggy(ip)) && Ranges.Any(r => r.Contains(ip));

    public bool Has(IpFamily family) => Ranges.Any(r => r.Family == family);

    /// <summary>Namespace and service selector must both hold when both are set; a pool without them admits everyone.</summary>
    public bool Admits(AllocationRequest service) => Allocation?.Admits(service) ?? true;
}

/// <summary>
/// <c>spec.serviceAllocation</c>, with <c>namespaceSelectors</c> already resolved against the
/// namespaces' labels (MetalLB folds them into the namespace set the same way).
/// </summary>
public sealed record PoolAllocation
{
    /// <summary>Positive values first, lowest first; 0 (unset, or not positive) after them.</summary>
    public int Priority { get; init; }

    public IReadOnlySet<string> Namespaces { get; init; } = new HashSet<string>();

    public IReadOnlyList<LabelSelector> ServiceSelectors { get; init; } = [];

    public bool Admits(AllocationRequest service) =>
        (Namespaces.Count == 0 || Namespaces.Contains(service.Namespace))
        && (ServiceSelectors.Count == 0 || ServiceSelectors.Any(s => s.Matches(service.Labels)));

    /// <summary>Pools that pick this Service themselves: its namespace is listed, or the pool selects Services by label.</summary>
    public bool Pins(AllocationRequest service) => (Namespaces.Contains(service.Namespace) || ServiceSelectors.Count > 0) && Admits(service);

    public string Describe()
    {
        var parts = new List<string>();
        if (Namespaces.Count > 0)
        {
            parts.Add("namespaces " + string.Join(", ", Namespaces.Order(StringComparer.Ordinal)));
        }

        if (ServiceSelectors.Count > 0)
        {
            parts.Add("Services its serviceSelectors match");
        }

        return parts.Count == 0 ? "no Service automatically" : string.Join(" and ", parts);
    }
}
