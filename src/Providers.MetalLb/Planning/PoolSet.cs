using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Snapshot;
using CloudIngress.Providers.MetalLb.Allocation;
using CloudIngress.Providers.MetalLb.Config;
using CloudIngress.Providers.MetalLb.Exposure;

namespace CloudIngress.Providers.MetalLb.Planning;

/// <summary>
/// The MetalLB objects there would be after an apply: with pools as code, the file's objects
/// (carrying the owner label) replace the owned ones observed, owned ones the file no longer has
/// are deleted, and objects the controller does not own are never touched. Without it, what is observed.
/// </summary>
public sealed record PoolSet
{
    public IReadOnlyList<IPAddressPool> Pools { get; init; } = [];

    public IReadOnlyList<L2Advertisement> L2Advertisements { get; init; } = [];

    public IReadOnlyList<BGPAdvertisement> BGPAdvertisements { get; init; } = [];

    /// <summary>Observed objects that are ours and no longer declared: an apply deletes them.</summary>
    public IReadOnlyList<IKubernetesObject> Deleted { get; init; } = [];

    /// <summary>Declared objects, with the owner label, that an apply writes.</summary>
    public IReadOnlyList<IKubernetesObject> Declared { get; init; } = [];

    public static PoolSet Of(ClusterSnapshot observed, MetalLbConfig? config, DiagnosticBag diagnostics)
    {
        if (config is null)
        {
            return new PoolSet { Pools = observed.AddressPools, L2Advertisements = observed.L2Advertisements, BGPAdvertisements = observed.BGPAdvertisements };
        }

        var declared = new List<IKubernetesObject>();
        var deleted = new List<IKubernetesObject>();
        var pools = Merge(config.Pools, observed.AddressPools, p => p with { Metadata = Own(p.Metadata) }, declared, deleted, diagnostics);
        var l2 = Merge(config.L2Advertisements, observed.L2Advertisements, a => a with { Metadata = Own(a.Metadata) }, declared, deleted, diagnostics);
        var bgp = Merge(config.BGPAdvertisements, observed.BGPAdvertisements, a => a with { Metadata = Own(a.Metadata) }, declared, deleted, diagnostics);
        return new PoolSet { Pools = pools, L2Advertisements = l2, BGPAdvertisements = bgp, Declared = declared, Deleted = deleted };
    }

    /// <summary>The allocator's pools (invalid ones left out with an error), and a warning for each pool nothing announces.</summary>
    public IReadOnlyList<AddressPool> Read(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> namespaceLabels, DiagnosticBag diagnostics)
    {
        foreach (var pool in Pools.Where(p => !Announcements.IsAnnounced(p, L2Advertisements, BGPAdvertisements)))
        {
            diagnostics.Warning(DiagnosticCodes.AddressPoolNotAnnounced, ObjectRefs.For(pool), null,
                "no L2Advertisement or BGPAdvertisement selects this pool: MetalLB assigns its addresses but does not announce them");
        }

        return PoolReader.Read(Pools, namespaceLabels, diagnostics);
    }

    private static List<T> Merge<T>(IReadOnlyList<T> declared, IReadOnlyList<T> observed, Func<T, T> own,
        List<IKubernetesObject> writes, List<IKubernetesObject> deletes, DiagnosticBag diagnostics)
        where T : class, IKubernetesObject
    {
        var result = new List<T>();
        var names = declared.Select(ObjectRefs.For).ToHashSet();
        foreach (var item in declared)
        {
            var existing = observed.FirstOrDefault(o => ObjectRefs.For(o) == ObjectRefs.For(item));
            if (existing is not null && !ProxyExposure.IsOwned(existing))
            {
                diagnostics.Error(DiagnosticCodes.AddressPoolInvalid, ObjectRefs.For(item), "metadata.labels",
                    $"already exists without {ExposureOptions.ManagedByLabel}: {ExposureOptions.ManagedByValue}; the controller never modifies MetalLB objects it does not own, so the --metallb-config version is not applied");
                continue;
            }

            result.Add(own(item));
            writes.Add(result[^1]);
        }

        foreach (var item in observed.Where(o => !(ProxyExposure.IsOwned(o) && names.Contains(ObjectRefs.For(o)))))
        {
            if (ProxyExposure.IsOwned(item))
            {
                deletes.Add(item);
            }
            else
            {
                result.Add(item);
            }
        }

        return result;
    }

    private static ObjectMeta Own(ObjectMeta metadata) => metadata with { Labels = ProxyExposure.OwnerLabels(metadata.Labels) };
}
