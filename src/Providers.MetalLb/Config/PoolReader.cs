using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Resources;
using CloudIngress.Providers.MetalLb.Allocation;

namespace CloudIngress.Providers.MetalLb.Config;

/// <summary>
/// IPAddressPool objects as the allocator's pools, checked as MetalLB checks them: a pool MetalLB
/// would refuse (no or bad addresses, an overlap with any range read before, a duplicate name, a
/// bad selector) is left out with an <c>AddressPoolInvalid</c> error naming the field.
/// </summary>
public static class PoolReader
{
    /// <summary>
    /// Reads <paramref name="pools"/> in order (the first of a name wins); namespace selectors are
    /// resolved against <paramref name="namespaceLabels"/> (name → labels).
    /// </summary>
    public static IReadOnlyList<AddressPool> Read(IEnumerable<IPAddressPool> pools, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> namespaceLabels, DiagnosticBag diagnostics)
    {
        var result = new List<AddressPool>();
        foreach (var pool in pools)
        {
            var owner = ObjectRefs.For(pool);
            var name = pool.Metadata.Name ?? string.Empty;
            if (result.Any(p => p.Name == name))
            {
                diagnostics.Error(DiagnosticCodes.AddressPoolInvalid, owner, "metadata.name", $"another pool is already named {name}; this one is left out");
                continue;
            }

            if (Read(pool, result, namespaceLabels, out var field, out var problem) is { } read)
            {
                result.Add(read);
            }
            else
            {
                diagnostics.Error(DiagnosticCodes.AddressPoolInvalid, owner, field, problem + "; MetalLB refuses this pool, so it is left out");
            }
        }

        return result;
    }

    private static AddressPool? Read(IPAddressPool pool, IReadOnlyList<AddressPool> earlier, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> namespaceLabels,
        out string? field, out string problem)
    {
        var spec = pool.Spec ?? new IPAddressPoolSpec();
        (field, problem) = ("spec.addresses", "the pool has no addresses");
        var ranges = new List<AddressRange>();
        for (var i = 0; i < (spec.Addresses?.Count ?? 0); i++)
        {
            field = $"spec.addresses[{i}]";
            if (AddressRange.Parse(spec.Addresses![i], out var error) is not { } range)
            {
                problem = error!;
                return null;
            }

            if (ranges.FirstOrDefault(range.Overlaps) is { } mine)
            {
                problem = $"{range.Text} overlaps {mine.Text} of the same pool";
                return null;
            }

            if (earlier.SelectMany(p => p.Ranges.Select(r => (Pool: p.Name, Range: r))).FirstOrDefault(o => range.Overlaps(o.Range)) is { Pool: not null } other)
            {
                problem = $"{range.Text} overlaps {other.Range.Text} of pool {other.Pool}";
                return null;
            }

            ranges.Add(range);
        }

        if (ranges.Count == 0)
        {
            return null;
        }

        PoolAllocation? allocation = null;
        if (spec.ServiceAllocation is { } sa)
        {
            if (AllocationProblem(sa) is { } bad)
            {
                (field, problem) = bad;
                return null;
            }

            var namespaces = new HashSet<string>(sa.Namespaces ?? [], StringComparer.Ordinal);
            namespaces.UnionWith(namespaceLabels.Where(n => (sa.NamespaceSelectors ?? []).Any(s => s.Matches(n.Value))).Select(n => n.Key));
            allocation = new PoolAllocation { Priority = sa.Priority ?? 0, Namespaces = namespaces, ServiceSelectors = sa.ServiceSelectors ?? [] };
        }

        return new AddressPool(pool.Metadata.Name!, ranges)
        {
            AutoAssign = spec.AutoAssign ?? true,
            AvoidBuggyIps = spec.AvoidBuggyIPs ?? false,
            Allocation = allocation,
        };
    }

    /// <summary>MetalLB refuses duplicate namespaces, duplicate selectors and selectors the API server would refuse.</summary>
    private static (string Field, string Problem)? AllocationProblem(ServiceAllocation sa)
    {
        if ((sa.Namespaces ?? []).GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            return ("spec.serviceAllocation.namespaces", $"namespace {twice.Key} is listed twice");
        }

        foreach (var (name, selectors) in new[] { ("namespaceSelectors", sa.NamespaceSelectors), ("serviceSelectors", sa.ServiceSelectors) })
        {
            var list = selectors ?? [];
            for (var i = 0; i < list.Count; i++)
            {
                var field = $"spec.serviceAllocation.{name}[{i}]";
                if (LabelSelectors.Problem(list[i]) is { } problem)
                {
                    return (field, problem);
                }

                if (list.Take(i).Any(s => LabelSelectors.Same(s, list[i])))
                {
                    return (field, "the same selector is listed twice");
                }
            }
        }

        return null;
    }
}
