using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Resources;
using CloudIngress.Providers.MetalLb.Allocation;
using System.Net;

namespace CloudIngress.Providers.MetalLb.Planning;

/// <summary>A Service as MetalLB's controller reads it: annotations, requested addresses, families, ports, sharing and backend keys.</summary>
public static class ServiceReader
{
    public static ServiceIntent Read(Service service)
    {
        var owner = ObjectRefs.For(service);
        var spec = service.Spec ?? new ServiceSpec();
        var annotations = service.Metadata.Annotations;
        var (family, policy, primary, familyError) = Families(spec);
        var (pool, poolKey) = MetalLbAnnotations.Read(annotations, MetalLbAnnotations.AddressPool);
        var (sharing, _) = MetalLbAnnotations.Read(annotations, MetalLbAnnotations.AllowSharedIp);
        var (requested, requestError) = Requested(annotations, spec);
        if (familyError is null && requested is { } r && IpAddresses.FamilyOf(r.Addresses) != family)
        {
            requestError = ($"{string.Join(", ", r.Addresses)} {(r.Addresses.Count == 1 ? "does" : "do")} not match the Service's family ({family.Text()})", r.Field);
        }

        return new ServiceIntent
        {
            Ref = owner,
            Created = service.Metadata.CreationTimestamp,
            StatusAddresses = [.. (service.Status?.LoadBalancer?.Ingress ?? []).Select(i => i.Ip).OfType<string>().Where(ip => ip.Length > 0)],
            Pool = string.IsNullOrEmpty(pool) ? null : (pool, Field(poolKey!)),
            Requested = requestError is null ? requested : null,
            RequestError = requestError,
            FamilyError = familyError,
            Warnings = Deprecations(annotations),
            Request = new AllocationRequest
            {
                Key = owner.Key,
                Namespace = owner.Namespace!,
                Labels = service.Metadata.Labels ?? new Dictionary<string, string>(),
                Ports = [.. (spec.Ports ?? []).Select(p => new PortKey(p.Protocol ?? "TCP", p.Port))],
                SharingKey = sharing ?? string.Empty,
                // Local traffic goes only to the nodes of the Service's own pods: sharers must select the same pods.
                BackendKey = spec.ExternalTrafficPolicy == "Local"
                    ? string.Join(",", (spec.Selector ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"))
                    : string.Empty,
                Family = family,
                Policy = policy,
                PrimaryFamily = primary,
            },
        };
    }

    public static string Field(string annotation) => $"metadata.annotations[{annotation}]";

    /// <summary>
    /// No ipFamilies: IPv4, or both with RequireDualStack (the only way the API server takes it).
    /// One entry: single-stack whatever the policy. Two: dual stack, the first one primary.
    /// </summary>
    private static (ServiceFamily, FamilyPolicy, IpFamily, string?) Families(ServiceSpec spec)
    {
        FamilyPolicy? policy = spec.IpFamilyPolicy switch
        {
            null or "SingleStack" => FamilyPolicy.SingleStack,
            "PreferDualStack" => FamilyPolicy.PreferDualStack,
            "RequireDualStack" => FamilyPolicy.RequireDualStack,
            _ => null,
        };
        if (policy is not { } p)
        {
            return (ServiceFamily.IPv4, FamilyPolicy.SingleStack, IpFamily.IPv4, $"ipFamilyPolicy \"{spec.IpFamilyPolicy}\" is not SingleStack, PreferDualStack or RequireDualStack");
        }

        var families = (spec.IpFamilies ?? []).Select(f => f switch { "IPv4" => IpFamily.IPv4, "IPv6" => (IpFamily?)IpFamily.IPv6, _ => null }).ToList();
        return families switch
        {
            _ when families.Contains(null) => (ServiceFamily.IPv4, p, IpFamily.IPv4, $"ipFamilies [{string.Join(", ", spec.IpFamilies!)}] holds something other than IPv4 and IPv6"),
            [] when p == FamilyPolicy.RequireDualStack => (ServiceFamily.DualStack, p, IpFamily.IPv4, null),
            [] => (ServiceFamily.IPv4, p, IpFamily.IPv4, null),
            [var one] when p == FamilyPolicy.RequireDualStack => (one!.Value.AsService(), p, one.Value, $"ipFamilyPolicy RequireDualStack needs two families but ipFamilies lists only {one}"),
            [var one] => (one!.Value.AsService(), p, one.Value, null),
            [var a, var b] when a != b && p != FamilyPolicy.SingleStack => (ServiceFamily.DualStack, p, a!.Value, null),
            [_, _] when p == FamilyPolicy.SingleStack => (ServiceFamily.DualStack, p, families[0]!.Value, "ipFamilies lists two families but ipFamilyPolicy is SingleStack (the default); the API server refuses that"),
            _ => (ServiceFamily.IPv4, p, IpFamily.IPv4, $"ipFamilies [{string.Join(", ", spec.IpFamilies!)}] is not one family or two different ones"),
        };
    }

    /// <summary>MetalLB's getDesiredLbIPs: the annotation or spec.loadBalancerIP, never both; every entry must parse; one per family.</summary>
    private static ((IReadOnlyList<IPAddress> Addresses, string Field)?, (string, string?)?) Requested(IReadOnlyDictionary<string, string>? annotations, ServiceSpec spec)
    {
        var (text, key) = MetalLbAnnotations.Read(annotations, MetalLbAnnotations.LoadBalancerIps);
        var legacy = spec.LoadBalancerIP;
        if (string.IsNullOrEmpty(text) && string.IsNullOrEmpty(legacy))
        {
            return (null, null);
        }

        if (!string.IsNullOrEmpty(text) && !string.IsNullOrEmpty(legacy))
        {
            return (null, ($"sets both {key} and spec.loadBalancerIP; MetalLB takes neither", Field(key!)));
        }

        var field = string.IsNullOrEmpty(text) ? "spec.loadBalancerIP" : Field(key!);
        var entries = string.IsNullOrEmpty(text) ? [legacy!] : text.Split(',').Select(e => e.Trim()).ToArray();
        var addresses = entries.Select(IpAddresses.Parse).ToList();
        if (addresses.Contains(null))
        {
            return (null, ($"\"{(string.IsNullOrEmpty(text) ? legacy : text)}\" is not a list of IP addresses", field));
        }

        var parsed = addresses.OfType<IPAddress>().ToList();
        return IpAddresses.IsOneOrPair(parsed)
            ? ((parsed, field), null)
            : (null, ($"\"{text}\": at most one IPv4 and one IPv6 address", field));
    }

    /// <summary>A warning for each <c>metallb.universe.tf/…</c> key, saying whether its <c>metallb.io</c> twin overrides it.</summary>
    public static List<(string Field, string Message)> Deprecations(IReadOnlyDictionary<string, string>? annotations) =>
        [.. MetalLbAnnotations.All.Select(key => (Key: key, Old: MetalLbAnnotations.Deprecated(key)))
            .Where(k => annotations?.ContainsKey(k.Old) == true)
            .Select(k => (Field(k.Old), annotations!.ContainsKey(k.Key)
                ? $"deprecated, and ignored: {k.Key} is set and wins"
                : $"deprecated: MetalLB reads it for now; use {k.Key}"))];
}
