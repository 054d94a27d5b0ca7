using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Snapshot;
using CloudIngress.Providers.MetalLb.Allocation;
using CloudIngress.Providers.MetalLb.Exposure;

namespace CloudIngress.Providers.MetalLb.Planning;

/// <summary>
/// Pure: the model and the observed cluster (or manifests) → the owned Services in front of the
/// proxy, the pools after an apply, the writes that get there, and the address MetalLB would give
/// every Service of type LoadBalancer it serves (class-less ones, owned ones included).
/// </summary>
public static class MetalLbPlanner
{
    public static MetalLbPlan Plan(GatewayModel model, ClusterSnapshot observed, MetalLbOptions options)
    {
        var diagnostics = new DiagnosticBag();
        var exposed = ProxyExposure.Desired(model, options.Exposure, diagnostics);
        var services = observed.Services.Where(s => s.Spec?.Type == "LoadBalancer" && s.Spec.LoadBalancerClass is null).ToList();
        var owned = services.Where(s => IsOursHere(s, options)).ToList();
        var intents = new List<ServiceIntent>();
        var usable = new List<ExposedService>();
        foreach (var e in exposed)
        {
            // Any Service of that name counts, whatever its type: one we do not own is never taken over.
            var existing = observed.Services.FirstOrDefault(s => ObjectRefs.For(s) == e.Ref);
            if (existing is not null && !ProxyExposure.IsOwned(existing))
            {
                diagnostics.Error(DiagnosticCodes.ExposureServiceNotOwned, e.Ref, "metadata.labels",
                    $"exists without {ExposureOptions.ManagedByLabel}: {ExposureOptions.ManagedByValue}; the controller does not take over a Service it does not own, " +
                    $"so ingress group(s) {string.Join(", ", e.Frontends.Select(f => f.Name))} get no address from it");
                continue;
            }

            usable.Add(e);
            // Not created yet: the newest. Created: its age and its status, so a restart replays what MetalLB gave it.
            intents.Add(ServiceReader.Read(e.Service with
            {
                Metadata = e.Service.Metadata with { CreationTimestamp = existing?.Metadata.CreationTimestamp },
                Status = existing?.Status,
            }));
        }

        foreach (var ingress in observed.Ingresses.Where(i => usable.Any(e => e.Frontends.Any(f => f.Members.Contains(ObjectRefs.For(i))))))
        {
            foreach (var (field, message) in ServiceReader.Deprecations(ingress.Metadata.Annotations))
            {
                diagnostics.Warning(DiagnosticCodes.DeprecatedAnnotation, ObjectRefs.For(ingress), field, message);
            }
        }

        // An owned Service no longer desired is deleted by the apply: its address is free for the others.
        intents.AddRange(services.Where(s => !IsOursHere(s, options)).Select(ServiceReader.Read));

        var pools = PoolSet.Of(observed, options.Config, diagnostics);
        var allocator = new Allocator(pools.Read(NamespaceLabels(observed, options), diagnostics));
        var assignments = AddressPlanner.Plan(intents, allocator, diagnostics);
        var byService = assignments.ToDictionary(a => a.Service);
        var fromConfig = pools.Declared.OfType<IPAddressPool>().Select(p => p.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        List<IKubernetesObject> declared = [.. usable.Select(e => (IKubernetesObject)e.Service), .. pools.Declared];
        List<IKubernetesObject> deleted = [.. owned.Where(o => !usable.Any(e => e.Ref == ObjectRefs.For(o))), .. pools.Deleted];
        return new MetalLbPlan
        {
            Assignments = assignments,
            Services = usable,
            Pools = [.. allocator.Pools.Select(p => (p, fromConfig.Contains(p.Name) ? "--metallb-config" : "observed"))],
            Operations = OwnedObjects.Diff(declared, [.. owned, .. observed.AddressPools, .. observed.L2Advertisements, .. observed.BGPAdvertisements], deleted),
            Declared = declared,
            Deleted = deleted,
            Diagnostics = diagnostics.ToSortedList(),
            ByFrontend = usable.SelectMany(e => e.Frontends.Select(f => (f.Id, Addresses: byService[e.Ref].Addresses)))
                .Where(f => f.Addresses.Count > 0)
                .ToDictionary(f => f.Id, f => (IReadOnlyList<string>)[.. f.Addresses.Select(a => a.ToString())], StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// What MetalLB has really given: the addresses in the status of each owned Service observed,
    /// by the frontends it carries. A Service still Pending gives an empty list (nothing published,
    /// and an address published before is taken back); one not created yet gives no entry.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Assigned(MetalLbPlan plan, ClusterSnapshot observed)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var e in plan.Services)
        {
            if (observed.Services.FirstOrDefault(s => ObjectRefs.For(s) == e.Ref && ProxyExposure.IsOwned(s)) is not { } live)
            {
                continue; // not created yet: nothing is known, and nothing is published
            }

            // Created: what its status says, even nothing (MetalLB took the address back), so no stale address stays published.
            IReadOnlyList<string> addresses = [.. (live.Status?.LoadBalancer?.Ingress ?? []).Select(i => i.Ip ?? i.Hostname).OfType<string>().Where(a => a.Length > 0)];
            foreach (var frontend in e.Frontends)
            {
                result[frontend.Id] = addresses;
            }
        }

        return result;
    }

    private static bool IsOursHere(Service service, MetalLbOptions options) =>
        service.Metadata.Namespace == options.Exposure.Namespace && ProxyExposure.IsOwned(service);

    /// <summary>Every namespace carries its name as a label (the API server sets it), which selectors may use.</summary>
    private static Dictionary<string, IReadOnlyDictionary<string, string>> NamespaceLabels(ClusterSnapshot observed, MetalLbOptions options)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        var names = observed.Services.Select(s => s.Metadata.Namespace ?? ObjectRefs.DefaultNamespace).Append(options.Exposure.Namespace);
        foreach (var name in names.Concat(observed.Namespaces.Select(n => n.Metadata.Name ?? string.Empty)).Distinct(StringComparer.Ordinal))
        {
            var labels = observed.Namespaces.FirstOrDefault(n => n.Metadata.Name == name)?.Metadata.Labels ?? new Dictionary<string, string>();
            result[name] = new Dictionary<string, string>(labels.ToDictionary(), StringComparer.Ordinal) { [Namespace.NameLabel] = name };
        }

        return result;
    }
}
