using CloudIngress.Core.Diagnostics;
using CloudIngress.Providers.MetalLb.Allocation;
using System.Net;

namespace CloudIngress.Providers.MetalLb.Planning;

/// <summary>
/// MetalLB's controller over every Service at once, in a fixed order: first the addresses already
/// in each Service's status are replayed (kept while still valid), then the Services without one
/// are allocated, oldest <c>creationTimestamp</c> first, then by namespace/name. A Service left
/// without an address gets an error naming why it stays Pending.
/// </summary>
public static class AddressPlanner
{
    public static IReadOnlyList<Assignment> Plan(IEnumerable<ServiceIntent> intents, Allocator allocator, DiagnosticBag diagnostics)
    {
        var ordered = intents.Order(Comparer<ServiceIntent>.Create(ServiceIntent.Order)).ToList();
        var kept = new HashSet<string>(StringComparer.Ordinal);
        var final = new Dictionary<string, Assignment>(StringComparer.Ordinal);
        foreach (var intent in ordered.Where(i => i.StatusAddresses.Count > 0 && i.FamilyError is null && allocator.Pools.Count > 0))
        {
            if (Replay(intent, allocator, diagnostics) is { } replayed)
            {
                kept.Add(intent.Ref.Key);
                if (replayed)
                {
                    final[intent.Ref.Key] = Held(intent, allocator, kept: true);
                }
            }
        }

        foreach (var intent in ordered)
        {
            foreach (var (field, message) in intent.Warnings)
            {
                diagnostics.Warning(DiagnosticCodes.DeprecatedAnnotation, intent.Ref, field, message);
            }

            if (!final.ContainsKey(intent.Ref.Key))
            {
                final[intent.Ref.Key] = kept.Contains(intent.Ref.Key) ? Extend(intent, allocator, diagnostics) : Allocate(intent, allocator, diagnostics);
            }
        }

        return [.. final.Values.OrderBy(a => a.Service)];
    }

    /// <summary>
    /// Keeps the status addresses when MetalLB would: same family, in a pool that admits the
    /// Service, shareable, in the pool and at the addresses it asks for. Null: released (a
    /// warning); false: kept, more to do; true: kept and final.
    /// </summary>
    private static bool? Replay(ServiceIntent intent, Allocator allocator, DiagnosticBag diagnostics)
    {
        var key = intent.Ref.Key;
        var addresses = intent.StatusAddresses.Select(IpAddresses.Parse).ToList();
        var text = string.Join(", ", intent.StatusAddresses);
        var ips = addresses.OfType<IPAddress>().ToList();
        var drop = addresses.Contains(null) ? "not an IP address"
            : !IpAddresses.IsOneOrPair(ips) ? "not one address or an IPv4/IPv6 pair"
            : null;
        if (drop is null && IpAddresses.FamilyOf(ips) is var family && family != intent.Request.Family
            && !(intent.Request.Family == ServiceFamily.DualStack && intent.Request.Policy == FamilyPolicy.PreferDualStack))
        {
            drop = $"{family.Text()}, and the Service is {intent.Request.Family.Text()}";
        }

        drop ??= allocator.Assign(intent.Request, ips).Failure?.Message;
        if (drop is null && intent.Pool is { } pool && allocator.PoolOf(key) != pool.Name)
        {
            drop = $"it is in pool `{allocator.PoolOf(key)}` and the Service asks for pool `{pool.Name}`";
        }

        if (drop is null && intent.RequestError is { } error)
        {
            // MetalLB stops there, the address stays, and it says why every time it looks.
            diagnostics.Error(DiagnosticCodes.AddressRequestInvalid, intent.Ref, error.Field, $"{error.Message}; MetalLB keeps {text} and reports this until it is fixed");
            return true;
        }

        if (drop is null && intent.Requested is { } requested && !Same(requested.Addresses, ips))
        {
            drop = $"the Service asks for {string.Join(", ", requested.Addresses)}";
        }

        if (drop is null)
        {
            return false;
        }

        allocator.Unassign(key);
        diagnostics.Warning(DiagnosticCodes.AddressReleased, intent.Ref, "status.loadBalancer.ingress", $"{text} in its status would be released: {drop}");
        return null;
    }

    /// <summary>A kept PreferDualStack pair with one family gets the other from the same pool, if it has one.</summary>
    private static Assignment Extend(ServiceIntent intent, Allocator allocator, DiagnosticBag diagnostics)
    {
        var r = intent.Request;
        if (r.Family == ServiceFamily.DualStack && r.Policy == FamilyPolicy.PreferDualStack && allocator.AddressesOf(r.Key).Count == 1)
        {
            var extended = allocator.AllocateAdditionalFamily(r);
            if (extended.Failure is { } f)
            {
                diagnostics.Info(DiagnosticCodes.AddressPoolExhausted, intent.Ref, null, $"PreferDualStack: {f.Message}; it keeps its single address");
            }
            else
            {
                return new Assignment(intent.Ref, extended.Pool, extended.Addresses);
            }
        }

        return Held(intent, allocator, kept: true);
    }

    private static Assignment Allocate(ServiceIntent intent, Allocator allocator, DiagnosticBag diagnostics)
    {
        if (intent.FamilyError is { } familyError)
        {
            return Pending(intent, diagnostics, FailureReason.InvalidRequest, familyError, "spec.ipFamilies");
        }

        if (allocator.Pools.Count == 0)
        {
            return Pending(intent, diagnostics, FailureReason.NoPool, "there is no IPAddressPool", null);
        }

        if (intent.RequestError is { } error)
        {
            return Pending(intent, diagnostics, FailureReason.InvalidRequest, error.Message, error.Field);
        }

        if (intent.Requested is { } requested)
        {
            var assigned = allocator.Assign(intent.Request, requested.Addresses);
            if (assigned.Failure is { } f)
            {
                return Pending(intent, diagnostics, f.Reason, f.Message, requested.Field);
            }

            if (intent.Pool is { } asked && assigned.Pool != asked.Name)
            {
                allocator.Unassign(intent.Ref.Key);
                return Pending(intent, diagnostics, FailureReason.InvalidRequest,
                    $"{string.Join(", ", requested.Addresses)} {(requested.Addresses.Count == 1 ? "is" : "are")} in pool `{assigned.Pool}`, not in the requested pool `{asked.Name}`", asked.Field);
            }

            return new Assignment(intent.Ref, assigned.Pool, assigned.Addresses);
        }

        var result = intent.Pool is { } pool ? allocator.AllocateFromPool(intent.Request, pool.Name) : allocator.Allocate(intent.Request);
        return result.Failure is { } failure
            ? Pending(intent, diagnostics, failure.Reason, failure.Message, intent.Pool?.Field)
            : new Assignment(intent.Ref, result.Pool, result.Addresses);
    }

    private static Assignment Pending(ServiceIntent intent, DiagnosticBag diagnostics, FailureReason reason, string message, string? field)
    {
        diagnostics.Error(Code(reason), intent.Ref, field, "stays Pending: " + message);
        return new Assignment(intent.Ref, null, []);
    }

    private static Assignment Held(ServiceIntent intent, Allocator allocator, bool kept) =>
        new(intent.Ref, allocator.PoolOf(intent.Ref.Key), allocator.AddressesOf(intent.Ref.Key)) { Kept = kept };

    public static string Code(FailureReason reason) => reason switch
    {
        FailureReason.NoPool => DiagnosticCodes.NoAddressPool,
        FailureReason.PoolNotFound => DiagnosticCodes.AddressPoolNotFound,
        FailureReason.PoolExhausted => DiagnosticCodes.AddressPoolExhausted,
        FailureReason.PoolNotAllowed => DiagnosticCodes.AddressPoolNotAllowed,
        FailureReason.NotInPool => DiagnosticCodes.AddressNotInPool,
        FailureReason.SharingConflict => DiagnosticCodes.AddressSharingConflict,
        FailureReason.PortConflict => DiagnosticCodes.AddressPortConflict,
        _ => DiagnosticCodes.AddressRequestInvalid,
    };

    private static bool Same(IReadOnlyList<IPAddress> a, IReadOnlyList<IPAddress> b) => a.Count == b.Count && a.All(b.Contains);
}
