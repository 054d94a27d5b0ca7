using System.Net;

namespace CloudIngress.Providers.MetalLb.Allocation;

public sealed partial class Allocator
{
    /// <summary>
    /// An address (or pair) from the named pool only: it never falls back to another pool, and
    /// <c>autoAssign: false</c> does not stop it. A Service already holding addresses keeps them.
    /// </summary>
    public AllocationResult AllocateFromPool(AllocationRequest service, string poolName)
    {
        if (_held.TryGetValue(service.Key, out var held))
        {
            var family = IpAddresses.FamilyOf(held.Addresses);
            return service.Policy != FamilyPolicy.PreferDualStack && family != service.Family
                ? AllocationResult.Fail(FailureReason.InvalidRequest, $"holds {string.Join(", ", held.Addresses)} ({family.Text()}), not {service.Family.Text()}")
                : Assign(service, held.Addresses);
        }

        if (Find(poolName) is not { } pool)
        {
            return AllocationResult.Fail(FailureReason.PoolNotFound, $"pool `{poolName}` does not exist");
        }

        if (!pool.Admits(service))
        {
            return AllocationResult.Fail(FailureReason.PoolNotAllowed, $"pool `{pool.Name}` is only for {pool.Allocation!.Describe()}");
        }

        return Select(FreeAddresses(pool, service), service) is { } addresses
            ? Assign(service, addresses)
            : NoneLeft([pool], service);
    }

    /// <summary>
    /// Any suitable address: first the pools whose <c>serviceAllocation</c> picks the Service
    /// (positive priorities ascending, then unset), then, only when those have nothing, the
    /// <c>autoAssign</c> pools without <c>serviceAllocation</c>. Within a pool, ranges in
    /// <c>spec.addresses</c> order, addresses in ascending order; a shareable address counts as free.
    /// </summary>
    public AllocationResult Allocate(AllocationRequest service)
    {
        if (_held.TryGetValue(service.Key, out var held))
        {
            return Assign(service, held.Addresses);
        }

        var pinned = _pools.Where(p => p.AutoAssign && p.Allocation?.Pins(service) == true)
            .OrderBy(p => p.Allocation!.Priority > 0 ? p.Allocation.Priority : int.MaxValue)
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
        if (AllocateFromBest(pinned, service) is { Succeeded: true } fromPinned)
        {
            return fromPinned;
        }

        var general = _pools.Where(p => p.AutoAssign && p.Allocation is null).ToList();
        return AllocateFromBest(general, service) is { Succeeded: true } fromGeneral ? fromGeneral : NoneLeft([.. pinned, .. general], service);
    }

    /// <summary>PreferDualStack with one address: the other family from the same pool, keeping the first.</summary>
    public AllocationResult AllocateAdditionalFamily(AllocationRequest service)
    {
        if (!_held.TryGetValue(service.Key, out var held) || held.Addresses.Count != 1 || Find(held.Pool) is not { } pool)
        {
            return AllocationResult.Fail(FailureReason.InvalidRequest, "holds no single address to add a family to");
        }

        var existing = held.Addresses[0];
        var family = IpAddresses.FamilyOf(existing).Other();
        var (v4, v6) = FreeAddresses(pool, service);
        return (family == IpFamily.IPv4 ? v4 : v6) is { } additional
            ? Assign(service, [existing, additional])
            : AllocationResult.Fail(FailureReason.PoolExhausted, $"pool `{pool.Name}` has no free {family} address");
    }

    /// <summary>
    /// The first pool with a free address of the Service's family (dual stack: with both). With
    /// PreferDualStack, when no pool has both, the first with the primary family, then the first
    /// with the other. Null when no pool can give anything.
    /// </summary>
    private AllocationResult? AllocateFromBest(IReadOnlyList<AddressPool> pools, AllocationRequest service)
    {
        IPAddress? primary = null, secondary = null;
        foreach (var pool in pools)
        {
            var (v4, v6) = FreeAddresses(pool, service);
            if (service.Family != ServiceFamily.DualStack)
            {
                if ((service.Family == ServiceFamily.IPv4 ? v4 : v6) is { } single)
                {
                    return Assign(service, [single]);
                }

                continue;
            }

            if (v4 is not null && v6 is not null)
            {
                return Select((v4, v6), service) is { } pair ? Assign(service, pair) : null;
            }

            if (service.Policy == FamilyPolicy.PreferDualStack)
            {
                var (p, s) = service.PrimaryFamily == IpFamily.IPv4 ? (v4, v6) : (v6, v4);
                primary ??= p;
                secondary ??= s;
            }
        }

        return (primary ?? secondary) is { } fallback ? Assign(service, [fallback]) : null;
    }

    /// <summary>
    /// The first usable address of each family in the pool (both are looked for, as MetalLB
    /// does), ranges in <c>spec.addresses</c> order. A Service with a sharing key first joins the
    /// first address it can share, and only then takes a free one.
    /// </summary>
    private (IPAddress? V4, IPAddress? V6) FreeAddresses(AddressPool pool, AllocationRequest service) =>
        (FirstUsable(pool, IpFamily.IPv4, service), FirstUsable(pool, IpFamily.IPv6, service));

    private IPAddress? FirstUsable(AddressPool pool, IpFamily family, AllocationRequest service)
    {
        var ranges = pool.Ranges.Where(r => r.Family == family).ToList();
        if (service.SharingKey.Length > 0)
        {
            var shared = ranges.SelectMany(r => _usage.AddressesIn(r)).FirstOrDefault(ip => pool.Contains(ip) && _usage.Check(service, ip) is null);
            if (shared is not null)
            {
                return shared;
            }
        }

        return ranges.Select(r => FirstUsable(r, pool.AvoidBuggyIps, service)).FirstOrDefault(ip => ip is not null);
    }

    private IPAddress? FirstUsable(AddressRange range, bool avoidBuggy, AllocationRequest service)
    {
        for (var n = range.First; ; n++)
        {
            if (!(avoidBuggy && IpAddresses.IsBuggy(range.Family, n)) && range.At(n) is var ip && _usage.Check(service, ip) is null)
            {
                return ip;
            }

            if (n == range.Last)
            {
                return null;
            }
        }
    }

    /// <summary>What the Service takes of a pool's free addresses, by its family and policy.</summary>
    private static IReadOnlyList<IPAddress>? Select((IPAddress? V4, IPAddress? V6) free, AllocationRequest service) =>
        (service.Family, service.Policy, free.V4, free.V6) switch
        {
            (ServiceFamily.IPv4, _, { } v4, _) => [v4],
            (ServiceFamily.IPv6, _, _, { } v6) => [v6],
            (ServiceFamily.DualStack, not FamilyPolicy.SingleStack, { } v4, { } v6) => [v4, v6],
            (ServiceFamily.DualStack, FamilyPolicy.PreferDualStack, { } v4, null) => [v4],
            (ServiceFamily.DualStack, FamilyPolicy.PreferDualStack, null, { } v6) => [v6],
            _ => null,
        };
}
