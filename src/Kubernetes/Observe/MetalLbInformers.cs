using CloudIngress.Core.Resources;

namespace CloudIngress.Kubernetes.Observe;

/// <summary>What the MetalLB provider observes beyond the build's kinds: Namespaces (for their labels), pools and advertisements.</summary>
public sealed record MetalLbInformers(Informer<Namespace> Namespaces, Informer<IPAddressPool> Pools, Informer<L2Advertisement> L2, Informer<BGPAdvertisement> Bgp)
{
    public bool Synced => Namespaces.Synced && Pools.Synced && L2.Synced && Bgp.Synced;

    public Task WhenSynced => Task.WhenAll(Namespaces.WhenSynced, Pools.WhenSynced, L2.WhenSynced, Bgp.WhenSynced);

    public long WatchRestarts => Namespaces.WatchRestarts + Pools.WatchRestarts + L2.WatchRestarts + Bgp.WatchRestarts;

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Namespaces.RunAsync(cancellationToken), Pools.RunAsync(cancellationToken), L2.RunAsync(cancellationToken), Bgp.RunAsync(cancellationToken));
}
