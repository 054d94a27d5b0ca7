using System.Net;

namespace CloudIngress.Providers.MetalLb.Allocation;

/// <summary>
/// MetalLB's address allocation, pure: pools, who holds which addresses, and the rules for taking
/// a requested address (<see cref="Assign"/>), one from a named pool (<see cref="AllocateFromPool"/>)
/// or any suitable one (<see cref="Allocate"/>). Where MetalLB iterates a Go map (which pool is
/// tried first, equal priorities) this one goes by pool name, so a prediction is repeatable.
/// </summary>
public sealed partial class Allocator
{
    private readonly AddressUsage _usage = new();
    private readonly Dictionary<string, Held> _held = new(StringComparer.Ordinal);
    private List<AddressPool> _pools = [];

    public Allocator(IEnumerable<AddressPool> pools) => SetPools(pools);

    /// <summary>In name order: the order general pools are tried in.</summary>
    public IReadOnlyList<AddressPool> Pools => _pools;

    /// <summary>New pools: every holder keeps its addresses if a pool still has them (maybe another pool now), else loses them.</summary>
    public void SetPools(IEnumerable<AddressPool> pools)
    {
        _pools = [.. pools.OrderBy(p => p.Name, StringComparer.Ordinal)];
        foreach (var (key, held) in _held.ToList())
        {
            if (PoolFor(held.Addresses) is not { } pool)
            {
                Unassign(key);
            }
            else if (pool.Name != held.Pool)
            {
                _held[key] = held with { Pool = pool.Name };
            }
        }
    }

    public string? PoolOf(string service) => _held.GetValueOrDefault(service)?.Pool;

    public IReadOnlyList<IPAddress> AddressesOf(string service) => _held.GetValueOrDefault(service)?.Addresses ?? [];

    /// <summary>
    /// Gives <paramref name="service"/> exactly <paramref name="addresses"/> (one, or an IPv4/IPv6
    /// pair): they must lie in one pool that admits the Service (<c>autoAssign</c> does not matter
    /// here) and be free or shareable. What it held before is released first.
    /// </summary>
    public AllocationResult Assign(AllocationRequest service, IReadOnlyList<IPAddress> addresses)
    {
        if (PoolFor(addresses) is not { } pool)
        {
            return AllocationResult.Fail(FailureReason.NotInPool, NotInPool(addresses));
        }

        if (!pool.Admits(service))
        {
            return AllocationResult.Fail(FailureReason.PoolNotAllowed,
                $"{string.Join(" and ", addresses)} {(addresses.Count == 1 ? "is" : "are")} in pool `{pool.Name}`, which is only for {pool.Allocation!.Describe()}");
        }

        if (!IpAddresses.IsOneOrPair(addresses))
        {
            return AllocationResult.Fail(FailureReason.InvalidRequest,
                $"{string.Join(", ", addresses)}: a Service takes one address, or one IPv4 and one IPv6");
        }

        foreach (var ip in addresses)
        {
            if (_usage.Check(service, ip) is { } failure)
            {
                return AllocationResult.Fail(failure.Reason, failure.Message);
            }
        }

        Unassign(service.Key);
        foreach (var ip in addresses)
        {
            _usage.Add(service, ip);
        }

        _held[service.Key] = new Held(pool.Name, addresses, service.Ports);
        return AllocationResult.Ok(pool.Name, addresses);
    }

    /// <summary>Frees what <paramref name="service"/> holds; the addresses are free again once nobody shares them.</summary>
    public void Unassign(string service)
    {
        if (_held.Remove(service, out var held))
        {
            foreach (var ip in held.Addresses)
            {
                _usage.Remove(service, ip, held.Ports);
            }
        }
    }

    /// <summary>The pool that has every address (pools do not overlap; an avoided .0/.255 is in none).</summary>
    private AddressPool? PoolFor(IReadOnlyList<IPAddress> addresses) =>
        addresses.Count == 0 ? null : _pools.FirstOrDefault(p => addresses.All(p.Contains));

    private AddressPool? Find(string name) => _pools.FirstOrDefault(p => p.Name == name);

    private string NotInPool(IReadOnlyList<IPAddress> addresses)
    {
        if (addresses.FirstOrDefault(ip => !_pools.Any(p => p.Contains(ip))) is not { } outside)
        {
            return $"{string.Join(" and ", addresses)} are in different pools; a dual-stack pair must come from one pool";
        }

        return _pools.FirstOrDefault(p => p.Ranges.Any(r => r.Contains(outside))) is { } avoiding
            ? $"{outside} is in no pool (pool `{avoiding.Name}` has avoidBuggyIPs, which leaves out addresses ending in .0 and .255)"
            : $"{outside} is in no pool";
    }

    private AllocationResult NoneLeft(IReadOnlyList<AddressPool> candidates, AllocationRequest service)
    {
        if (_pools.Count == 0)
        {
            return AllocationResult.Fail(FailureReason.NoPool, "there is no IPAddressPool");
        }

        if (candidates.Count == 0)
        {
            return AllocationResult.Fail(FailureReason.NoPool, "no pool assigns addresses to this Service automatically: " + string.Join("; ",
                _pools.Select(p => !p.AutoAssign ? $"`{p.Name}` has autoAssign: false" : $"`{p.Name}` is only for {p.Allocation!.Describe()}")));
        }

        bool Fits(AddressPool p) => service.Family switch
        {
            ServiceFamily.IPv4 => p.Has(IpFamily.IPv4),
            ServiceFamily.IPv6 => p.Has(IpFamily.IPv6),
            _ when service.Policy == FamilyPolicy.PreferDualStack => p.Has(IpFamily.IPv4) || p.Has(IpFamily.IPv6),
            _ => p.Has(IpFamily.IPv4) && p.Has(IpFamily.IPv6),
        };
        var names = string.Join(", ", candidates.Select(p => $"`{p.Name}`"));
        var family = service.Family == ServiceFamily.IPv4 ? string.Empty : $" ({service.Family.Text()})";
        return candidates.Where(Fits).ToList() switch
        {
            [] => AllocationResult.Fail(FailureReason.NoPool, candidates.Count == 1
                ? $"pool {names} has no {Needed(service)} addresses"
                : $"none of the pools {names} has {Needed(service)} addresses"),
            [var one] => AllocationResult.Fail(FailureReason.PoolExhausted, $"pool `{one.Name}` is exhausted{family}"),
            var many => AllocationResult.Fail(FailureReason.PoolExhausted, $"pools {string.Join(", ", many.Select(p => $"`{p.Name}`"))} are exhausted{family}"),
        };
    }

    private static string Needed(AllocationRequest service) => service.Family switch
    {
        ServiceFamily.DualStack when service.Policy == FamilyPolicy.PreferDualStack => "IPv4 or IPv6",
        ServiceFamily.DualStack => "both IPv4 and IPv6",
        var single => single.Text(),
    };

    private sealed record Held(string Pool, IReadOnlyList<IPAddress> Addresses, IReadOnlyList<PortKey> Ports);
}
